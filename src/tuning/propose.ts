// Over 300 lines (to split next session): the proposal protocol — CV choice, holdout, refit, bound — reads as one sequence today.
import { addTo, dataRecord, dataRecordOf } from '../domain/data-record.js';
import { InputError } from '../domain/errors.js';
import type { Outcome } from '../domain/outcome.js';
import type { Condition, PolicySpec } from '../domain/policy-spec.js';
import {
  ProposalOptions,
  type ConstraintReport,
  type Figures,
  type LearnerReport,
  type RuleReport,
  type SegmentDecision,
  type SplitMetrics,
} from '../domain/proposal.js';

export type { ConstraintReport, Figures, LearnerReport, RuleReport, SegmentDecision };
import { parseField, readField } from '../domain/request-field.js';
import { createRng, hashSeed } from '../domain/rng.js';
import type { RunCase, VariantCaseResult } from '../domain/run.js';
import { validateSpec } from '../policy/validate.js';
import { buildOutcomeMatrix, evaluateVariant, type OutcomeMatrix } from '../replay/index.js';
import { bootstrapMeanCi } from '../stats/bootstrap.js';
import { modelPoints, type QcPoint } from '../stats/frontier.js';
import { holmAdjust } from '../stats/holm.js';
import { buildOutcomeTable, type OutcomeTable } from '../stats/outcome-table.js';
import { pairedBootstrap } from '../stats/paired.js';
import { quantile } from '../stats/quantile.js';
import { NO_SEGMENT, segmentValue } from '../stats/run-analysis.js';
import { DEFAULT_GROUP, emitSpec, type EmittedRule } from './emit-spec.js';
import { buildFeatures, type FeatureSet } from './features.js';
import { hullWalk, type GroupModels, type HullSolution, type Mix, type Objective } from './hull-walk.js';
import { limitChange } from './max-change.js';
import { normalQuantile } from './normal-quantile.js';
import { optionsKey } from './options-key.js';
import { mixText, ms, pct, pText, pts, ratio, usd1k } from './rationale.js';
import { growTree, leafOf, treeRules, truncateTree, type Tree, type TreeConfig } from './rule-tree.js';
import {
  chooseLambda,
  fitScorer,
  L2_GRID,
  L2_GRID_MAX_ROWS,
  MAX_CV_ROWS,
  predictRow,
  SCORER_DIM,
  scorerSpec,
  type ScorerData,
} from './scorer-fit.js';
import type { ScorerFeatures } from '../policy/text-features.js';
import { splitMetrics } from './split-metrics.js';
import { scorerFeatures } from '../policy/text-features.js';
import type { Scorer } from '../domain/scorer-spec.js';

/** Segments with fewer train cases than this follow the default rule (`--min-segment-n`). */
export const DEFAULT_MIN_SEGMENT_N = 30;
/** Most tests a split may join with "or" (a learned keyword set), when cross-validation prefers it. */
export const MAX_OR = 8;

const treeName = (c: TreeConfig) =>
  `tree depth ≤ ${c.maxDepth}, leaves ≥ ${c.minLeaf}${(c.maxOr ?? 1) > 1 ? `, ≤ ${c.maxOr} tests per split` : ''}`;

/** Folds of the cross-validation inside the train split that makes every choice. */
export const CV_FOLDS = 5;
/** Non-inferiority margin (quality points) when `--margin` is not given. */
export const DEFAULT_MARGIN = 0.01;
/** Family-wise error rate of the holdout tests (Holm, as the reports use). */
export const ALPHA = 0.05;
/** Confidence level of the stated cost bound when `--confidence` is not given. */
export const DEFAULT_LEVEL = 0.95;

export interface ProposeInput {
  runId: string;
  seed: string;
  /** Sample rate of the run (budgets are simulated at 1/rate). */
  rate: number;
  baseline: { name: string; version: number | null; spec: PolicySpec; results: readonly VariantCaseResult[] };
  cases: readonly RunCase[];
  outcomes: readonly Outcome[];
  options: ProposalOptions;
}

export interface ProposalDraft {
  status: 'pending' | 'no_change';
  /** Why no change is recommended (null when pending). */
  reason: string | null;
  /** True only when the holdout evidence supports it (Holm-corrected, or non-inferior and cheaper). */
  recommended: boolean;
  /** Refitted on all the run's cases (train + holdout) with the rules checked on the holdout. */
  policy: PolicySpec;
  train: SplitMetrics;
  holdout: SplitMetrics;
  baseline: SplitMetrics;
  holdout_diff: { mean: number; ci: [number, number]; p_value: number };
  /** Paired baseline − proposal cost per request on the holdout (positive: the proposal is cheaper). */
  cost_diff: { mean: number; ci: [number, number]; p_value: number };
  /** Holm-adjusted p-values of the quality and cost comparisons. */
  holm: { quality: number; cost: number };
  margin: number;
  constraint: ConstraintReport;
  learner: LearnerReport;
  rules: RuleReport[];
  rationale: string[];
  options_key: string;
  segments: SegmentDecision[];
  /** The fitted routing (train fit): group key → model shares (`default` for everything without a rule). */
  mixes: Record<string, Mix>;
  /** Cases the emitted policy's mixes were refitted on. */
  refit_cases: number;
}

/** How cases fall into groups that each get one mix: the structure a proposal chooses. */
interface Grouping {
  kind: LearnerReport['kind'];
  keyOf(row: number): string;
  /** Ordered rules (first match wins), without the catch-all. */
  rules: Array<{ key: string; name: string; when: Condition }>;
}

interface Fit {
  grouping: Grouping;
  solution: HullSolution;
  groups: GroupModels[];
}

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

  // Latency ceiling: a mix's p95 never exceeds the largest p95 among its models, so dropping the
  // models over the ceiling is enough to keep every mix under it.
  let allowed = table.models;
  if (options.max_p95_ms !== undefined) {
    const limit = options.max_p95_ms;
    const over: string[] = [];
    allowed = table.models.filter((m, mi) => {
      const lat = trainRows.map((r) => table.latency[r * M + mi] as number).filter(Number.isFinite);
      const p95 = lat.length ? quantile(lat, 0.95) : Number.NaN;
      if (Number.isFinite(p95) && p95 > limit) {
        over.push(`${m} (p95 ${ms(p95)})`);
        return false;
      }
      return true;
    });
    if (allowed.length === 0)
      throw new InputError(
        `--max-p95-ms: no model of run ${input.runId} has a p95 under ${ms(limit)} on its train cases (${over.join(', ')})`,
      );
    if (over.length) rationale.push(`Left out for the ${ms(limit)} p95 ceiling: ${over.join(', ')}.`);
  }
  const allowedIdx = allowed.map((m) => table.models.indexOf(m));

  // The constraint, absolute and the same for fitting and checking.
  const bound: Objective = objectiveOf(options, meanCost(baseAll.length ? baseAll : baseTrain));
  const level = options.confidence ?? DEFAULT_LEVEL;
  rationale.unshift(objectiveText(options, bound, baseLabel));

  const fitMixes = (grouping: Grouping, rows: readonly number[], objective: Objective): Fit => {
    const byGroup = new Map<string, number[]>();
    for (const r of rows) {
      const g = grouping.keyOf(r);
      let list = byGroup.get(g);
      if (!list) byGroup.set(g, (list = []));
      list.push(r);
    }
    const groups = [...byGroup.entries()].map(([k, rs]) => ({
      key: k,
      share: rs.length / rows.length,
      points: pointsOf(table, rs, allowed),
    }));
    return { grouping, solution: hullWalk(groups, objective), groups };
  };
  const globalGrouping: Grouping = { kind: 'global', keyOf: () => DEFAULT_GROUP, rules: [] };
  const folds = foldsOf(trainRows, (r) => caseAt(r).case_id, `${input.seed}:cv`);

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
  const candidates: LearnerReport['candidates'] = [];
  let treeConfig: TreeConfig | null = null;
  const lambdaAll = fitMixes(globalGrouping, trainRows, target).solution.lambda;
  // Out-of-fold quality and cost per train case of the chosen rule structure (for the scorer's test).
  let rulesPerRow: { q: Float64Array; c: Float64Array } | null = null;
  if (options.segment_by) {
    const picked = chooseSegments(options.segment_by);
    if (picked) structure = picked;
  }
  if (options.per_request) {
    // Held-out quality and cost per train case for each structure, so candidates are compared with
    // the paired standard error of their difference (cross-validated on the same cases).
    const posOf = new Map(trainRows.map((r, i) => [r, i]));
    const heldFigures = (fit: Fit, held: readonly number[], q: Float64Array, c: Float64Array) => {
      const mixes = compiledMixes(table, fit.solution.mixes);
      const fallback = mixes.get(DEFAULT_GROUP) ?? [...mixes.values()][0] ?? [];
      for (const r of held) {
        const i = posOf.get(r) as number;
        for (const [m, w] of mixes.get(fit.grouping.keyOf(r)) ?? fallback) {
          q[i] = (q[i] as number) + w * (table.quality[r * M + m] as number);
          c[i] = (c[i] as number) + w * (table.cost[r * M + m] as number);
        }
      }
    };
    const lam = Number.isFinite(lambdaAll) ? lambdaAll : 0;
    const n = trainRows.length;
    const baseQ = new Float64Array(n);
    const baseC = new Float64Array(n);
    for (const held of folds) {
      const heldSet = new Set(held);
      const fitRows = trainRows.filter((r) => !heldSet.has(r));
      heldFigures(fitMixes(structure, fitRows, target), held, baseQ, baseC);
    }
    const mean = (xs: Float64Array) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
    candidates.push({
      name: structure.kind === 'global' ? 'one mix for all' : `segments by ${options.segment_by}`,
      quality: mean(baseQ),
      cost_per_1k: mean(baseC) * 1000,
      chosen: false,
    });
    const features = buildFeatures(input.cases, trainRows, { minSupport: Math.max(5, Math.floor(trainRows.length / 200)) });
    const minLeafBase = Math.max(options.min_segment_n ?? DEFAULT_MIN_SEGMENT_N, Math.ceil(trainRows.length / 200));
    let best = { gain: 0, se: 0, config: null as TreeConfig | null };
    // Per leaf size, one deepest tree per fold, cut at each depth (growth is greedy, so the cut
    // tree is the one a smaller depth limit grows): 2 growths per fold instead of 8.
    const depths = [1, 2, 3, 4];
    for (const [minLeaf, maxOr] of [
      [minLeafBase, 1],
      [4 * minLeafBase, 1],
      [minLeafBase, MAX_OR],
    ] as const) {
      const figs = depths.map(() => ({ q: new Float64Array(n), c: new Float64Array(n) }));
      for (const held of folds) {
        const heldSet = new Set(held);
        const fitRows = trainRows.filter((r) => !heldSet.has(r));
        const deep = growPerGroup(
          features,
          fitRows,
          { maxDepth: depths[depths.length - 1] as number, minLeaf, maxOr },
          structure,
          fitMixes(structure, fitRows, target).solution.lambda,
        );
        depths.forEach((d, i) => {
          const cut = new Map([...deep].map(([k, t]) => [k, truncateTree(t, d)]));
          const f = figs[i] as { q: Float64Array; c: Float64Array };
          heldFigures(fitMixes(nestedGrouping(structure, cut, features), fitRows, target), held, f.q, f.c);
        });
      }
      depths.forEach((maxDepth, i) => {
        const f = figs[i] as { q: Float64Array; c: Float64Array };
        const diff = f.q.map((q, k) => q - lam * (f.c[k] as number) - ((baseQ[k] as number) - lam * (baseC[k] as number)));
        const gain = mean(diff);
        const se = standardDeviation([...diff]) / Math.sqrt(Math.max(1, n));
        candidates.push({ name: treeName({ maxDepth, minLeaf, maxOr }), quality: mean(f.q), cost_per_1k: mean(f.c) * 1000, chosen: false });
        if (gain > best.gain + 1e-12) {
          best = { gain, se, config: { maxDepth, minLeaf, maxOr } };
          rulesPerRow = f;
        }
      });
    }
    // The one-standard-error rule: rules are kept only when they beat the simpler structure by more
    // than the noise of that comparison (the best of several noisy CV scores is optimistic).
    if (best.config && !(best.gain > best.se)) best = { gain: 0, se: 0, config: null };
    if (!best.config) rulesPerRow = { q: baseQ, c: baseC };
    const chosenName = best.config ? treeName(best.config) : (candidates[0] as { name: string }).name;
    for (const c of candidates) c.chosen = c.name === chosenName;
    if (best.config) {
      treeConfig = best.config;
      structure = treeGrouping(features, trainRows, best.config, structure);
    }
  }

  // ── 2. fit on train, check once on the holdout ───────────────────────────────────────────────
  let trainFit = fitMixes(structure, trainRows, target);
  if (options.confidence !== undefined) {
    retarget(trainFit);
    trainFit = fitMixes(structure, trainRows, target);
  }

  // The learned scorer, a second kind of per-request proposal: cross-validated against the rules.
  let scorerChoice: { data: ScorerData; lambda: number; l2: number; fields: string[] } | null = null;
  if (options.per_request && options.learner !== 'rules' && bound.kind === 'max_quality' && input.cases.some((c) => c.input)) {
    // The segment field, when given, is a feature too: the scorer starts from what segments know.
    const segField = options.segment_by ? parseField(options.segment_by) : null;
    const fieldRefs = segField?.ok ? [segField.field] : [];
    const featureCache: Array<ScorerFeatures | undefined> = new Array<ScorerFeatures | undefined>(table.caseIds.length);
    const data: ScorerData = {
      featuresOf: (r) => (featureCache[r] ??= scorerFeatures(caseAt(r), fieldRefs, SCORER_DIM)),
      quality: table.quality,
      cost: table.cost,
      width: M,
      models: allowedIdx,
    };
    // On a large run, λ and the comparison look at an evenly spaced subset of the train cases
    // (positions kept, so the rules' per-case CV figures pair with them): bounded time.
    const step = Math.max(1, Math.ceil(trainRows.length / MAX_CV_ROWS));
    const cvPos = trainRows.map((_, i) => i).filter((i) => i % step === 0);
    const cvRows = cvPos.map((i) => trainRows[i] as number);
    const cvIndex = new Map(cvRows.map((r, j) => [r, j]));
    const cvAt = (l2: number) => {
      const preds: Float64Array[] = new Array<Float64Array>(cvRows.length);
      const costs: Float64Array[] = new Array<Float64Array>(cvRows.length);
      folds.forEach((held, fi) => {
        const heldSet = new Set(held);
        const fit = fitScorer(
          data,
          trainRows.filter((r) => !heldSet.has(r)),
          rng.fork(`scorer-cv:${fi}`),
          l2,
        );
        for (const r of held) {
          const j = cvIndex.get(r);
          if (j === undefined) continue;
          preds[j] = predictRow(fit, data.featuresOf(r), new Float64Array(allowedIdx.length));
          costs[j] = fit.cost;
        }
      });
      return { l2, ...chooseLambda(data, cvRows, preds, costs, (target as { maxCost: number }).maxCost) };
    };
    // The penalty by cross-validation too: the best CV quality under the ceiling.
    let choice = cvAt(L2_GRID[0]);
    for (const l2 of trainRows.length > L2_GRID_MAX_ROWS ? [] : L2_GRID.slice(1)) {
      const next = cvAt(l2);
      if (next.quality > choice.quality + 1e-12) choice = next;
    }
    // As for rule trees: the scorer replaces the rules only when its cross-validated gain (quality
    // − λ·cost, paired per train case) exceeds one standard error of that gain.
    const lamAll = Number.isFinite(lambdaAll) ? lambdaAll : 0;
    const ruleFigs = rulesPerRow as { q: Float64Array; c: Float64Array } | null;
    let better = ruleFigs === null;
    if (ruleFigs) {
      const d = cvPos.map(
        (i, j) =>
          (choice.perRow.q[j] as number) -
          lamAll * (choice.perRow.c[j] as number) -
          ((ruleFigs.q[i] as number) - lamAll * (ruleFigs.c[i] as number)),
      );
      const gain = d.reduce((a, x) => a + x, 0) / Math.max(1, d.length);
      better = gain > standardDeviation(d) / Math.sqrt(Math.max(1, d.length));
    }
    const use = options.learner === 'scorer' || better;
    if (use) for (const c of candidates) c.chosen = false;
    candidates.push({
      name: `learned scorer (hashed word n-grams, ${SCORER_DIM} buckets a model)`,
      quality: choice.quality,
      cost_per_1k: choice.cost * 1000,
      chosen: use,
    });
    if (use) scorerChoice = { data, lambda: choice.lambda, l2: choice.l2, fields: fieldRefs.map((f) => f.name) };
  }
  const scorerOn = (rows: readonly number[], label: string): Scorer | null =>
    scorerChoice
      ? scorerSpec(
          fitScorer(scorerChoice.data, rows, rng.fork(label), scorerChoice.l2),
          allowedIdx.map((m) => table.models[m] as string),
          scorerChoice.lambda,
          scorerChoice.fields,
        )
      : null;
  const withScorer = (spec: PolicySpec, scorer: Scorer | null): PolicySpec =>
    scorer ? { ...spec, policy: { ...spec.policy, scorer } } : spec;
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
  const checked = withScorer(emitSpec(input.baseline.spec, fallbackMix(mixes), rulesWith(mixes)), scorerOn(trainRows, 'scorer-train'));
  mustBeValid(checked);

  const evalOn = (spec: PolicySpec, cases: readonly RunCase[]) =>
    evaluateVariant(spec, cases, matrix as OutcomeMatrix, { rate: input.rate, seed: input.seed });
  const propTrain = evalOn(checked, trainCases);
  const propHold = evalOn(checked, holdoutCases);
  const train = splitMetrics(propTrain, rng.fork('train'));
  const holdout = splitMetrics(propHold, rng.fork('holdout'));
  const baseline = splitMetrics(baseHold, rng.fork('baseline'));
  const propById = new Map(propHold.map((r) => [r.case_id, r]));
  const paired = holdoutCases.filter((c) => baseById.has(c.case_id));
  const pick = (c: RunCase, by: ReadonlyMap<string, VariantCaseResult>) => by.get(c.case_id) as VariantCaseResult;
  const diff = pairedBootstrap(
    paired.map((c) => pick(c, propById).quality),
    paired.map((c) => pick(c, baseById).quality),
    { rng: rng.fork('diff') },
  );
  const costDiff = pairedBootstrap(
    paired.map((c) => pick(c, baseById).cost_usd),
    paired.map((c) => pick(c, propById).cost_usd),
    { rng: rng.fork('cost-diff') },
  );
  const [holmQ, holmC] = holmAdjust([diff.p_value, costDiff.p_value]) as [number, number];
  const holdout_diff = { mean: diff.mean, ci: diff.ci, p_value: diff.p_value };

  // The promise about unseen traffic: a one-sided bootstrap bound on the holdout.
  const oneSided = 2 * level - 1;
  const costCi = bootstrapMeanCi(
    propHold.map((r) => r.cost_usd),
    { rng: rng.fork('cost-bound'), level: oneSided },
  );
  const constraint: ConstraintReport =
    bound.kind === 'max_quality'
      ? {
          kind: 'max_cost',
          bound: bound.maxCost * 1000,
          target: (target as { maxCost: number }).maxCost * 1000,
          level,
          promise: costCi.ci[1] * 1000,
          holdout: holdout.cost_per_1k,
          met: options.confidence !== undefined ? costCi.ci[1] <= bound.maxCost * (1 + 1e-9) : costCi.ci[0] <= bound.maxCost * (1 + 1e-9),
          text: `cost ≤ ${usd1k(costCi.ci[1] * 1000)} with ${pct(level)} confidence (holdout bootstrap; ceiling ${usd1k(bound.maxCost * 1000)}${options.confidence !== undefined ? `, fitted to ${usd1k((target as { maxCost: number }).maxCost * 1000)} for --confidence ${level}` : ', fitted to the ceiling itself: expect about half of unseen samples above it by noise; --confidence 0.95 fits to a confident target'})`,
        }
      : {
          kind: 'min_quality',
          bound: bound.minQuality,
          target: bound.minQuality,
          level,
          promise: bootstrapMeanCi(
            propHold.map((r) => r.quality),
            { rng: rng.fork('quality-bound'), level: oneSided },
          ).ci[0],
          holdout: holdout.quality,
          met: holdout.quality >= bound.minQuality - 1e-12,
          text: '',
        };
  if (constraint.kind === 'min_quality')
    constraint.text = `quality ≥ ${constraint.promise.toFixed(3)} with ${pct(level)} confidence (holdout bootstrap; floor ${bound.kind === 'min_cost' ? bound.minQuality.toFixed(3) : ''})`;

  // Per-rule figures of the checked fit.
  const rules: RuleReport[] = [];
  const ruleRows = (rows: readonly number[], k: string) => rows.filter((r) => structure.keyOf(r) === k);
  const figures = (rows: readonly number[], mix: Mix): Figures => {
    const s = linearScore(table, rows, mix);
    return { n: rows.length, quality: s.quality, cost_per_1k: s.cost * 1000 };
  };
  for (const r of [...structure.rules, { key: DEFAULT_GROUP, name: DEFAULT_GROUP, when: {} as Condition }]) {
    const mix = mixes.get(r.key);
    if (!mix) continue;
    rules.push({
      name: r.name,
      when: r.when,
      mix,
      train: figures(ruleRows(trainRows, r.key), mix),
      holdout: figures(ruleRows(holdRows, r.key), mix),
    });
  }

  // ── 3. refit the mixes on all the cases, same rules, same constraint ─────────────────────────
  let policy = checked;
  const refitCases = noHoldout ? trainCases.length : input.cases.length;
  if (!noHoldout) {
    const all = fitMixes(structure, allRows, target);
    const refit = limitFor(all, allRows, input.cases).mixes;
    policy = withScorer(emitSpec(input.baseline.spec, fallbackMix(refit), rulesWith(refit)), scorerOn(allRows, 'scorer-all'));
    mustBeValid(policy);
  }

  rationale.push(
    `Protocol: every choice was made by ${CV_FOLDS}-fold cross-validation inside the ${trainCases.length} train cases; the ${holdoutCases.length} holdout cases were used once, for the figures below.`,
  );
  if (candidates.length) {
    const chosen = candidates.find((c) => c.chosen);
    rationale.push(
      `Per-request rules: ${candidates.length} structures cross-validated; chosen: ${chosen?.name ?? 'none'} (CV quality ${chosen?.quality.toFixed(3) ?? '-'} at ${usd1k(chosen?.cost_per_1k ?? 0)}).`,
    );
  }
  if (structure.rules.length) {
    for (const r of rules)
      rationale.push(
        `${r.name === DEFAULT_GROUP ? 'Everything else' : structure.kind === 'segments' ? `Segment ${r.name}` : `Rule "${r.name}"`}: ${mixText(r.mix)}.`,
      );
  } else rationale.push(`Routing: ${mixText(fallbackMix(mixes))}.`);
  for (const s of segments)
    if (!s.kept && s.key !== NO_SEGMENT) rationale.push(`Segment ${options.segment_by}=${s.key} gets no rule: ${s.reason}.`);
  rationale.push(
    `Holdout quality ${holdout.quality.toFixed(3)} (95% CI ${holdout.quality_ci[0].toFixed(3)}–${holdout.quality_ci[1].toFixed(3)}) vs ${baseline.quality.toFixed(3)} for ${baseLabel}: ${pts(diff.mean)} (CI ${pts(diff.ci[0])} to ${pts(diff.ci[1])}, ${pText(diff.p_value)}, Holm ${pText(holmQ)}).`,
  );
  rationale.push(
    `Holdout cost ${usd1k(holdout.cost_per_1k)} vs ${usd1k(baseline.cost_per_1k)} (${ratio(holdout.cost_per_1k, baseline.cost_per_1k)}, Holm ${pText(holmC)}); p95 ${ms(holdout.p95_ms)} vs ${ms(baseline.p95_ms)}.`,
  );
  rationale.push(`Constraint: ${constraint.text}.`);
  if (scorerChoice)
    rationale.push(
      `A learned scorer routes each request by its text (λ ${scorerChoice.lambda.toPrecision(3)} per USD, chosen by cross-validation under the ceiling); the rules below route requests without text. It is evaluated only by routelab's router: no export format can express it.`,
    );
  if (!noHoldout)
    rationale.push(
      `The policy below keeps these rules with mixes refitted on all ${refitCases} cases (train + holdout) under the same constraint.`,
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

  /** Segment rules: candidates by train size, kept where they beat the global mix in cross-validation. */
  function chooseSegments(fieldName: string): Grouping | null {
    const parsed = parseField(fieldName);
    if (!parsed.ok) throw new InputError(`--segment-by: ${parsed.message}`);
    const ref = parsed.field;
    const minN = options.min_segment_n ?? DEFAULT_MIN_SEGMENT_N;
    const counts = new Map<string, { value: unknown; train: number; holdout: number }>();
    for (const c of input.cases) {
      const v = segmentValue(c, fieldName);
      const e = counts.get(v) ?? { value: readField(c, ref), train: 0, holdout: 0 };
      if (c.split === 'train') e.train++;
      else e.holdout++;
      counts.set(v, e);
    }
    const eligible = new Set([...counts.entries()].filter(([v, e]) => v !== NO_SEGMENT && e.train >= minN).map(([v]) => v));
    const grouping = (kept: ReadonlySet<string>): Grouping => ({
      kind: 'segments',
      keyOf: (row) => {
        const v = segmentValue(caseAt(row), fieldName);
        return kept.has(v) ? `seg:${v}` : DEFAULT_GROUP;
      },
      rules: [...kept]
        .sort((a, b) => (counts.get(b)?.train ?? 0) - (counts.get(a)?.train ?? 0) || a.localeCompare(b))
        .map((v) => {
          const raw = counts.get(v)?.value;
          return {
            key: `seg:${v}`,
            name: `${fieldName}=${typeof raw === 'string' ? raw : JSON.stringify(raw)}`,
            when: { [ref.name]: { $eq: raw } },
          };
        }),
    });
    // Per segment, summed over the folds: its own mix vs the global mix on the held-out fold.
    const acc = new Map<string, { ownQ: number; ownC: number; globQ: number; globC: number; d: number[]; same: boolean }>();
    for (const held of folds) {
      const heldSet = new Set(held);
      const fitRows = trainRows.filter((r) => !heldSet.has(r));
      const full = fitMixes(grouping(eligible), fitRows, target);
      const glob = fitMixes(globalGrouping, fitRows, target);
      const globMix = glob.solution.mixes.get(DEFAULT_GROUP) ?? {};
      for (const v of eligible) {
        const own = full.solution.mixes.get(`seg:${v}`) ?? globMix;
        const rows = held.filter((r) => segmentValue(caseAt(r), fieldName) === v);
        const e = acc.get(v) ?? { ownQ: 0, ownC: 0, globQ: 0, globC: 0, d: [], same: true };
        if (mixText(own) !== mixText(globMix)) e.same = false;
        for (const r of rows) {
          const o = linearScore(table, [r], own);
          const g = linearScore(table, [r], globMix);
          e.ownQ += o.quality;
          e.ownC += o.cost;
          e.globQ += g.quality;
          e.globC += g.cost;
          e.d.push(o.quality - g.quality);
        }
        acc.set(v, e);
      }
    }
    const lambda = fitMixes(grouping(eligible), trainRows, target).solution.lambda;
    const lam = Number.isFinite(lambda) ? lambda : 0;
    const kept = new Set<string>();
    for (const [v, e] of [...counts.entries()].sort((a, b) => b[1].train - a[1].train || a[0].localeCompare(b[0]))) {
      const decision: SegmentDecision = {
        key: v,
        value: e.value,
        train_n: e.train,
        holdout_n: e.holdout,
        kept: false,
        reason: '',
        mix: null,
      };
      segments.push(decision);
      if (v === NO_SEGMENT) {
        decision.reason = `cases without ${fieldName} follow the default rule`;
        continue;
      }
      if (!eligible.has(v)) {
        decision.reason = `only ${e.train} train cases (< ${minN}): follows the default rule`;
        continue;
      }
      const a = acc.get(v);
      const n = a?.d.length ?? 0;
      if (!a || a.same) decision.reason = 'its best mix is the global one';
      else if (n === 0) decision.reason = 'no cases to cross-validate it on';
      else {
        const own = { q: a.ownQ / n, c: a.ownC / n };
        const glob = { q: a.globQ / n, c: a.globC / n };
        const se = standardDeviation(a.d) / Math.sqrt(n);
        if (own.q - lam * own.c > glob.q - lam * glob.c + 1e-12) {
          kept.add(v);
          decision.kept = true;
          decision.reason = `beats the global mix in cross-validation on ${n} train cases: quality ${own.q.toFixed(3)} vs ${glob.q.toFixed(3)}, ${usd1k(own.c * 1000)} vs ${usd1k(glob.c * 1000)}`;
        } else if (own.c < glob.c && own.q >= glob.q - se) {
          // When the ceiling does not bind, the price of quality is 0 and only quality counts; a
          // rule that is as good within noise for less money still beats the global choice.
          kept.add(v);
          decision.kept = true;
          decision.reason = `as good as the global mix within noise in cross-validation (quality ${own.q.toFixed(3)} vs ${glob.q.toFixed(3)}) and cheaper (${usd1k(own.c * 1000)} vs ${usd1k(glob.c * 1000)})`;
        } else {
          decision.reason = `its own mix does not pay for its cost in cross-validation (quality ${own.q.toFixed(3)} at ${usd1k(own.c * 1000)} vs ${glob.q.toFixed(3)} at ${usd1k(glob.c * 1000)} for the global mix)`;
        }
      }
    }
    if (kept.size === 0) return null;
    const chosen = grouping(kept);
    const fitted = fitMixes(chosen, trainRows, target).solution.mixes;
    for (const s of segments) if (s.kept) s.mix = fitted.get(`seg:${s.key}`) ?? null;
    return chosen;
  }

  /**
   * Trees grown inside each group of `base` (the chosen segments, or everything): per-request rules
   * are conjunctions of the segment's condition and the tests on the leaf's path.
   */
  function growPerGroup(
    features: FeatureSet,
    rows: readonly number[],
    config: TreeConfig,
    base: Grouping,
    lambda: number,
  ): Map<string, Tree> {
    const byGroup = new Map<string, number[]>();
    for (const r of rows) {
      const k = base.keyOf(r);
      let list = byGroup.get(k);
      if (!list) byGroup.set(k, (list = []));
      list.push(r);
    }
    const values = lagrangeValues(table, allowedIdx, lambda);
    const trees = new Map<string, Tree>();
    for (const [k, groupRows] of byGroup) trees.set(k, growTree(features, groupRows, values, M, config));
    return trees;
  }

  /** The validated procedure on some rows: trees grown at the price of quality of `base`'s fit. */
  function treeGrouping(features: FeatureSet, rows: readonly number[], config: TreeConfig, base: Grouping): Grouping {
    return nestedGrouping(base, growPerGroup(features, rows, config, base, fitMixes(base, rows, target).solution.lambda), features);
  }
}

/** Each base group split further by its own tree; the group's last leaf keeps the group's key. */
function nestedGrouping(base: Grouping, trees: ReadonlyMap<string, Tree>, features: FeatureSet): Grouping {
  const leafKeys = new Map<string, Map<number, string>>();
  const rules: Grouping['rules'] = [];
  const treeRulesOf = (groupKey: string, baseWhen: Condition | null) => {
    const tree = trees.get(groupKey);
    const keys = new Map<number, string>();
    leafKeys.set(groupKey, keys);
    if (!tree) return;
    const list = treeRules(tree, features);
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      keys.set(r.leaf, last ? groupKey : `${groupKey}/leaf:${r.leaf}`);
      if (last) return;
      const when: Condition =
        baseWhen === null ? r.when : { $and: [baseWhen, ...(Array.isArray(r.when.$and) ? (r.when.$and as Condition[]) : [r.when])] };
      rules.push({
        key: `${groupKey}/leaf:${r.leaf}`,
        name: baseWhen === null ? r.name : `${base.rules.find((b) => b.key === groupKey)?.name ?? groupKey} and ${r.name}`,
        when,
      });
    });
  };
  for (const b of base.rules) {
    treeRulesOf(b.key, b.when);
    rules.push(b);
  }
  treeRulesOf(DEFAULT_GROUP, null);
  return {
    kind: rules.length > base.rules.length ? 'tree' : base.kind,
    keyOf: (row) => {
      const g = base.keyOf(row);
      const tree = trees.get(g);
      return tree ? (leafKeys.get(g)?.get(leafOf(tree, features, row)) ?? g) : g;
    },
    rules,
  };
}

/** q − λ·c per case and model; models left out (latency) are worth −∞. */
function lagrangeValues(table: OutcomeTable, allowedIdx: readonly number[], lambda: number): Float64Array {
  const M = table.models.length;
  const n = table.caseIds.length;
  const out = new Float64Array(n * M).fill(Number.NEGATIVE_INFINITY);
  // An unreachable ceiling (λ = ∞) leaves only cost to minimise.
  const costOnly = !Number.isFinite(lambda);
  for (let r = 0; r < n; r++) {
    for (const m of allowedIdx) {
      const at = r * M + m;
      out[at] = costOnly ? -(table.cost[at] as number) : (table.quality[at] as number) - lambda * (table.cost[at] as number);
    }
  }
  return out;
}

function compiledMixes(table: OutcomeTable, mixes: ReadonlyMap<string, Mix>): Map<string, Array<[number, number]>> {
  const out = new Map<string, Array<[number, number]>>();
  for (const [k, mix] of mixes) {
    out.set(
      k,
      Object.entries(mix)
        .map(([model, w]) => [table.models.indexOf(model), w] as [number, number])
        .filter(([m]) => m >= 0),
    );
  }
  return out;
}

/** Seeded folds by a hash of the case id: the same cases fall together on every machine. */
function foldsOf(rows: readonly number[], idOf: (row: number) => string, seed: string): number[][] {
  const folds: number[][] = Array.from({ length: CV_FOLDS }, () => []);
  for (const r of rows) (folds[hashSeed(`${seed}\u0000${idOf(r)}`) % CV_FOLDS] as number[]).push(r);
  return folds.filter((f) => f.length > 0);
}

function mustBeValid(policy: PolicySpec): void {
  const issues = validateSpec(policy);
  if (issues.length) throw new Error(`the optimiser emitted an invalid policy: ${JSON.stringify(issues)}`);
}

function standardDeviation(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= n;
  let v = 0;
  for (const x of xs) v += (x - mean) ** 2;
  return Math.sqrt(v / (n - 1));
}

function objectiveOf(options: ProposalOptions, baselineCost: number): Objective {
  if (options.min_quality !== undefined) return { kind: 'min_cost', minQuality: options.min_quality };
  if (options.max_cost_per_1k !== undefined) return { kind: 'max_quality', maxCost: options.max_cost_per_1k / 1000 };
  // Without a stated ceiling the proposal may not cost more than today's routing.
  return { kind: 'max_quality', maxCost: (options.max_cost_ratio ?? 1) * baselineCost };
}

function objectiveText(options: ProposalOptions, objective: Objective, baseLabel: string): string {
  const latency = options.max_p95_ms !== undefined ? ` and a p95 of at most ${ms(options.max_p95_ms)}` : '';
  if (objective.kind === 'min_cost')
    return `Objective: the lowest cost with quality at least ${objective.minQuality.toFixed(3)}${latency}.`;
  const basis =
    options.max_cost_per_1k !== undefined
      ? ''
      : ` (${(options.max_cost_ratio ?? 1).toFixed(2)}× the cost of ${baseLabel} over all the run's cases${options.max_cost_ratio === undefined ? '; no ceiling was given' : ''})`;
  return `Objective: the best quality at no more than ${usd1k(objective.maxCost * 1000)}${basis}${latency}.`;
}

interface VerdictInput {
  options: ProposalOptions;
  holdout: SplitMetrics;
  baseline: SplitMetrics;
  constraint: ConstraintReport;
  bound: Objective;
  baseCost: number;
  diff: { mean: number; ci: [number, number] };
  costDiff: { mean: number };
  holmQ: number;
  holmC: number;
  margin: number;
}

/** null when the holdout evidence supports the proposal under the stated limits, else why not. */
function verdict(v: VerdictInput): string | null {
  const { options, holdout, baseline, constraint, bound, diff, holmQ, holmC, margin } = v;
  const fitsLatency = (m: SplitMetrics) => options.max_p95_ms === undefined || !(m.p95_ms > options.max_p95_ms);
  if (!fitsLatency(holdout)) return `its holdout p95 is ${ms(holdout.p95_ms)}, over the ${ms(options.max_p95_ms ?? 0)} ceiling`;
  const improved = diff.mean > 0 && holmQ < ALPHA;
  const cheaper = v.costDiff.mean > 0 && holmC < ALPHA;
  const nonInferior = diff.ci[0] >= -margin;
  if (bound.kind === 'min_cost') {
    if (!constraint.met) return `its holdout quality ${holdout.quality.toFixed(3)} is under the floor of ${bound.minQuality.toFixed(3)}`;
    if (baseline.quality < bound.minQuality) return null;
    if (!cheaper)
      return `it is not clearly cheaper on the holdout (${usd1k(holdout.cost_per_1k)} vs ${usd1k(baseline.cost_per_1k)}, Holm ${pText(holmC)})`;
    return null;
  }
  if (!constraint.met) {
    return `its holdout cost ${usd1k(holdout.cost_per_1k)} is over the ceiling of ${usd1k(bound.maxCost * 1000)}${options.confidence !== undefined ? ` at ${pct(options.confidence)} confidence (bound ${usd1k(constraint.promise)})` : ''}`;
  }
  const baselineFits = v.baseCost <= bound.maxCost * (1 + 1e-9) && fitsLatency(baseline);
  if (!baselineFits) return null;
  if (improved) return null;
  if (cheaper && nonInferior) return null;
  const what =
    diff.mean > 0
      ? `the holdout shows ${pts(diff.mean)} of quality but that does not survive the Holm correction (${pText(holmQ)})`
      : `it does not beat the current routing on the holdout (${pts(diff.mean)})`;
  const cost = cheaper
    ? ` it is cheaper (Holm ${pText(holmC)}) but its quality CI reaches ${pts(diff.ci[0])}, beyond the ${pts(-margin)} non-inferiority margin`
    : '';
  return `${what};${cost || ' nor is it clearly cheaper at the same quality'}: the evidence supports keeping the current routing`;
}

function supportText(diff: number, holmQ: number, margin: number, lower: number): string {
  if (diff > 0 && holmQ < ALPHA) return `better on the holdout by ${pts(diff)} (Holm ${pText(holmQ)})`;
  if (lower >= -margin)
    return `as good within ${pts(margin).slice(1)} (CI from ${pts(lower)}) and cheaper on the holdout, or it brings the routing under the stated limits`;
  return 'it brings the routing under the stated limits';
}

function pointsOf(table: OutcomeTable, rows: readonly number[], allowed: readonly string[]): QcPoint[] {
  const byModel = new Map(modelPoints(table, rows).map((p) => [p.label, p]));
  return allowed.map((model) => byModel.get(model) as QcPoint);
}

/** Expected quality and cost per case of a mix on some cases (linear model). */
function linearScore(table: OutcomeTable, rows: readonly number[], mix: Mix): { quality: number; cost: number } {
  const M = table.models.length;
  let q = 0;
  let c = 0;
  for (const [model, w] of Object.entries(mix)) {
    const m = table.models.indexOf(model);
    if (m < 0) continue;
    for (const r of rows) {
      q += w * (table.quality[r * M + m] as number);
      c += w * (table.cost[r * M + m] as number);
    }
  }
  const n = Math.max(1, rows.length);
  return { quality: q / n, cost: c / n };
}

/** What the baseline served per group, as shares (errors excluded). */
function servedByGroup(
  results: readonly VariantCaseResult[],
  cases: readonly RunCase[],
  groupOfCase: (i: number) => string,
): Map<string, Mix> {
  const byId = new Map(results.map((r) => [r.case_id, r]));
  const sums = new Map<string, Mix>();
  cases.forEach((c, i) => {
    const r = byId.get(c.case_id);
    if (!r) return;
    const g = groupOfCase(i);
    const acc = sums.get(g) ?? dataRecord<number>();
    for (const [m, p] of Object.entries(r.served)) addTo(acc, m, p);
    sums.set(g, acc);
  });
  for (const [g, acc] of sums) {
    const total = Object.values(acc).reduce((s, v) => s + v, 0);
    if (total > 0) sums.set(g, dataRecordOf(Object.entries(acc).map(([m, v]) => [m, v / total] as const)));
  }
  return sums;
}
