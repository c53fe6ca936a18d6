// The proposal protocol in order: choices by CV (choose-segments, choose-tree, choose-scorer), one
// check on the holdout (holdout-check), the verdict (verdict), the refit on all cases.
import type { PolicySpec } from '../domain/policy-spec.js';
import { ProposalOptions, type LearnerReport, type SegmentDecision } from '../domain/proposal.js';
import type { ProposalDraft, ProposeInput } from './proposal-draft.js';

export type { ConstraintReport, Figures, LearnerReport, RuleReport, SegmentDecision } from '../domain/proposal.js';
export type { ProposalDraft, ProposeInput } from './proposal-draft.js';
import { createRng } from '../domain/rng.js';
import type { RunCase, VariantCaseResult } from '../domain/run.js';
import { validateSpec } from '../policy/validate.js';
import { buildOutcomeMatrix, type OutcomeMatrix } from '../replay/index.js';
import { buildOutcomeTable } from '../stats/outcome-table.js';
import { chooseScorer, scorerOn, withScorer, type ScorerChoice } from './choose-scorer.js';
import { chooseSegments, DEFAULT_MIN_SEGMENT_N } from './choose-segments.js';
import { chooseTree, MAX_OR, type PerRow } from './choose-tree.js';
import { DEFAULT_GROUP, emitSpec, type EmittedRule } from './emit-spec.js';
import {
  compiledMixes,
  CV_FOLDS,
  fitterOf,
  foldsOf,
  globalGrouping,
  standardDeviation,
  type Fit,
  type FitContext,
  type Grouping,
} from './grouping.js';
import { checkOnHoldout } from './holdout-check.js';
import type { Mix, Objective } from './hull-walk.js';
import { limitChange } from './max-change.js';
import { normalQuantile } from './normal-quantile.js';
import { optionsKey } from './options-key.js';
import { ms, pct } from './rationale.js';
import type { TreeConfig } from './rule-tree.js';
import { servedByGroup } from './served-by-group.js';
import { modelsUnderLatency } from './latency-ceiling.js';
import { outcomeText, ruleReports } from './proposal-text.js';
import { ALPHA, objectiveOf, objectiveText, supportText, verdict } from './verdict.js';

export { ALPHA, CV_FOLDS, DEFAULT_MIN_SEGMENT_N, MAX_OR };

/** Non-inferiority margin (quality points) when `--margin` is not given. */
export const DEFAULT_MARGIN = 0.01;
/** Confidence level of the stated cost bound when `--confidence` is not given. */
export const DEFAULT_LEVEL = 0.95;

/**
 * The proposal optimiser, with an honest protocol:
 *  1. Every choice (which segments get rules, the rule tree and its depth and leaf size) is made by
 *     cross-validation inside the train split; the holdout is not looked at.
 *  2. The chosen structure is fitted on all of train (mixes: the exact hull walk under the one
 *     constraint) and scored once on the holdout: those are the figures the reviewer sees, with the
 *     cost bound stated from the holdout bootstrap and the tests Holm-corrected.
 *  3. The emitted policy keeps those rules and refits their mixes on all the cases under the same
 *     constraint.
 * The cost ceiling is absolute: `--max-cost-ratio r` is r × the baseline's mean cost over all the
 * run's cases, the same number for fitting and for checking.
 */
export function propose(input: ProposeInput): ProposalDraft {
  const options = ProposalOptions.parse(input.options);
  const key = optionsKey(options);
  const rng = createRng(`${input.seed}:propose:${key}`);
  const rationale: string[] = [];
  const margin = options.margin ?? DEFAULT_MARGIN;

  const trainCases = input.cases.filter((c) => c.split === 'train');
  let holdoutCases = input.cases.filter((c) => c.split === 'holdout');
  const noHoldout = holdoutCases.length === 0;
  if (trainCases.length === 0) throw new Error(`run ${input.runId} has no train cases to fit on`);
  if (noHoldout) {
    holdoutCases = trainCases;
    rationale.push('The run has no holdout split (--holdout 0), so the check below reuses the train cases and is optimistic.');
  }
  const table = buildOutcomeTable(
    input.cases.map((c) => c.case_id),
    input.outcomes,
  );
  const M = table.models.length;
  const rowOf = new Map(table.caseIds.map((id, i) => [id, i]));
  const trainRows = trainCases.map((c) => rowOf.get(c.case_id) as number);
  const holdRows = holdoutCases.map((c) => rowOf.get(c.case_id) as number);
  const allRows = noHoldout ? trainRows : input.cases.map((c) => rowOf.get(c.case_id) as number);
  const matrix = buildOutcomeMatrix(input.outcomes);
  const baseById = new Map(input.baseline.results.map((r) => [r.case_id, r]));
  const baseOn = (cases: readonly RunCase[]) =>
    cases.map((c) => baseById.get(c.case_id)).filter((r): r is VariantCaseResult => r !== undefined);
  const baseTrain = baseOn(trainCases);
  const baseHold = baseOn(holdoutCases);
  const baseAll = baseOn(input.cases);
  const meanCost = (rs: readonly VariantCaseResult[]) => (rs.length ? rs.reduce((s, r) => s + r.cost_usd, 0) / rs.length : 0);
  const baseLabel =
    input.baseline.version !== null ? `the current version (v${input.baseline.version})` : `the baseline ${input.baseline.name}`;
  const caseAt = (row: number) => input.cases[row] as RunCase;

  let allowed = table.models;
  if (options.max_p95_ms !== undefined) {
    const under = modelsUnderLatency(table, trainRows, options.max_p95_ms, input.runId);
    allowed = under.allowed;
    if (under.over.length) rationale.push(`Left out for the ${ms(options.max_p95_ms)} p95 ceiling: ${under.over.join(', ')}.`);
  }
  const allowedIdx = allowed.map((m) => table.models.indexOf(m));

  // The constraint, absolute and the same for fitting and checking.
  const bound: Objective = objectiveOf(options, meanCost(baseAll.length ? baseAll : baseTrain));
  const level = options.confidence ?? DEFAULT_LEVEL;
  rationale.unshift(objectiveText(options, bound, baseLabel));

  const fitMixes = fitterOf(table, allowed);
  const folds = foldsOf(trainRows, (r) => caseAt(r).case_id, `${input.seed}:cv`);
  const ctx: FitContext = { table, allowed, allowedIdx, cases: input.cases, caseAt, trainRows, folds, fitMixes };

  // The fitting target: the bound, or under --confidence a lower cost whose holdout-sized
  // bootstrap upper bound is expected to stay under the ceiling (spread estimated on train).
  let target = bound;
  const retarget = (fit: Fit) => {
    if (options.confidence === undefined || bound.kind !== 'max_quality') return;
    const mixes = compiledMixes(table, fit.solution.mixes);
    const costs = trainRows.map((r) =>
      (mixes.get(fit.grouping.keyOf(r)) ?? []).reduce((s, [m, w]) => s + w * (table.cost[r * M + m] as number), 0),
    );
    const sd = standardDeviation(costs);
    const z = normalQuantile(options.confidence);
    target = { kind: 'max_quality', maxCost: Math.max(0, bound.maxCost - (z * sd) / Math.sqrt(Math.max(1, holdRows.length))) };
  };
  retarget(fitMixes(globalGrouping, trainRows, bound));

  // ── 1. choices by cross-validation inside train ──────────────────────────────────────────────
  const segments: SegmentDecision[] = [];
  let structure: Grouping = globalGrouping;
  let candidates: LearnerReport['candidates'] = [];
  let treeConfig: TreeConfig | null = null;
  const lambdaAll = fitMixes(globalGrouping, trainRows, target).solution.lambda;
  // Out-of-fold quality and cost per train case of the chosen rule structure (for the scorer's test).
  let rulesPerRow: PerRow | null = null;
  if (options.segment_by) {
    const picked = chooseSegments(ctx, options.segment_by, options.min_segment_n, target, segments);
    if (picked) structure = picked;
  }
  if (options.per_request) {
    const baseName = structure.kind === 'global' ? 'one mix for all' : `segments by ${options.segment_by}`;
    const tree = chooseTree(ctx, structure, baseName, target, lambdaAll, options.min_segment_n);
    structure = tree.structure;
    treeConfig = tree.config;
    candidates = tree.candidates;
    rulesPerRow = tree.rulesPerRow;
    if (tree.overAll)
      for (const s of segments.filter((d) => d.kept))
        Object.assign(s, {
          kept: false,
          mix: null,
          reason: `per-request rules over all requests did better in cross-validation (${options.segment_by} is one of the tests they may use)`,
        });
  }

  // ── 2. fit on train, check once on the holdout ───────────────────────────────────────────────
  let trainFit = fitMixes(structure, trainRows, target);
  if (options.confidence !== undefined) {
    retarget(trainFit);
    trainFit = fitMixes(structure, trainRows, target);
  }

  // The learned scorer, a second kind of per-request proposal: cross-validated against the rules.
  let scorerChoice: ScorerChoice | null = null;
  if (options.per_request && options.learner !== 'rules' && bound.kind === 'max_quality' && input.cases.some((c) => c.input)) {
    const maxCost = (target as { maxCost: number }).maxCost;
    scorerChoice = chooseScorer(ctx, options, maxCost, rulesPerRow, candidates, rng);
  }
  const limitFor = (fit: Fit, rows: readonly number[], cases: readonly RunCase[]) => {
    const shares = new Map(fit.groups.map((g) => [g.key, g.share]));
    const current = servedByGroup(baseOn(cases), cases, (i) => fit.grouping.keyOf(rows[i] as number));
    return limitChange(current, fit.solution.mixes, shares, options.max_change);
  };
  const limited = limitFor(trainFit, trainRows, trainCases);
  if (limited.step < 1) {
    rationale.push(
      `Change limited to ${pct(options.max_change ?? 0)} of requests (--max-change): the optimum would move ${pct(limited.wanted)}, so this goes ${pct(limited.step)} of the way.`,
    );
  }
  const mixes = limited.mixes;
  const fallbackMix = (m: ReadonlyMap<string, Mix>) =>
    m.get(DEFAULT_GROUP) ?? fitMixes(globalGrouping, trainRows, target).solution.mixes.get(DEFAULT_GROUP) ?? {};
  const rulesWith = (m: ReadonlyMap<string, Mix>): EmittedRule[] =>
    structure.rules.filter((r) => m.has(r.key)).map((r) => ({ name: r.name, when: r.when, mix: m.get(r.key) as Mix }));
  const checked = withScorer(
    emitSpec(input.baseline.spec, fallbackMix(mixes), rulesWith(mixes)),
    scorerOn(ctx, scorerChoice, trainRows, rng.fork('scorer-train')),
  );
  mustBeValid(checked);

  const check = checkOnHoldout({
    spec: checked,
    matrix: matrix as OutcomeMatrix,
    rate: input.rate,
    seed: input.seed,
    trainCases,
    holdoutCases,
    baseById,
    baseHold,
    bound,
    target,
    level,
    confidence: options.confidence,
    rng,
  });
  const { train, holdout, baseline, diff, costDiff, holmQ, holmC, constraint } = check;
  const holdout_diff = { mean: diff.mean, ci: diff.ci, p_value: diff.p_value };

  const rules = ruleReports(table, structure, mixes, trainRows, holdRows);

  // ── 3. refit the mixes on all the cases, same rules, same constraint ─────────────────────────
  let policy = checked;
  const refitCases = noHoldout ? trainCases.length : input.cases.length;
  if (!noHoldout) {
    const all = fitMixes(structure, allRows, target);
    const refit = limitFor(all, allRows, input.cases).mixes;
    policy = withScorer(
      emitSpec(input.baseline.spec, fallbackMix(refit), rulesWith(refit)),
      scorerOn(ctx, scorerChoice, allRows, rng.fork('scorer-all')),
    );
    mustBeValid(policy);
  }

  rationale.push(
    ...outcomeText({
      trainN: trainCases.length,
      holdoutN: holdoutCases.length,
      candidates,
      structure,
      rules,
      fallback: fallbackMix(mixes),
      segments,
      segmentBy: options.segment_by,
      check,
      baseLabel,
      scorerLambda: scorerChoice?.lambda ?? null,
      scorerMix: scorerChoice?.mix ?? null,
      refitCases: noHoldout ? null : refitCases,
    }),
  );

  const reason = verdict({
    options,
    holdout,
    baseline,
    constraint,
    bound,
    baseCost: meanCost(baseHold),
    diff,
    costDiff,
    holmQ,
    holmC,
    margin,
  });
  const recommended = reason === null;
  rationale.push(recommended ? `Recommended: ${supportText(diff.mean, holmQ, margin, diff.ci[0])}.` : `No change recommended: ${reason}.`);

  return {
    status: recommended ? 'pending' : 'no_change',
    reason,
    recommended,
    policy,
    train,
    holdout,
    baseline,
    holdout_diff,
    cost_diff: { mean: costDiff.mean, ci: costDiff.ci, p_value: costDiff.p_value },
    holm: { quality: holmQ, cost: holmC },
    margin,
    constraint,
    learner: {
      kind: scorerChoice ? 'scorer' : structure.kind,
      max_depth: treeConfig?.maxDepth ?? null,
      min_leaf: treeConfig?.minLeaf ?? null,
      candidates,
    },
    rules,
    rationale,
    options_key: key,
    segments,
    mixes: Object.fromEntries(mixes),
    refit_cases: refitCases,
  };
}

function mustBeValid(policy: PolicySpec): void {
  const issues = validateSpec(policy);
  if (issues.length) throw new Error(`the optimiser emitted an invalid policy: ${JSON.stringify(issues)}`);
}
