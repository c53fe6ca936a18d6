import { addTo, dataRecord, dataRecordOf, ownValue } from '../domain/data-record.js';
import { InputError } from '../domain/errors.js';
import type { Outcome } from '../domain/outcome.js';
import type { PolicySpec } from '../domain/policy-spec.js';
import { ProposalOptions, type SplitMetrics } from '../domain/proposal.js';
import { createRng } from '../domain/rng.js';
import type { RunCase, VariantCaseResult } from '../domain/run.js';
import { validateSpec } from '../policy/validate.js';
import { buildOutcomeMatrix, evaluateVariant, type OutcomeMatrix } from '../replay/index.js';
import { modelPoints, type QcPoint } from '../stats/frontier.js';
import { buildOutcomeTable, type OutcomeTable } from '../stats/outcome-table.js';
import { pairedBootstrap } from '../stats/paired.js';
import { quantile } from '../stats/quantile.js';
import { NO_SEGMENT, segmentValue } from '../stats/run-analysis.js';
import { DEFAULT_GROUP, emitSpec, type SegmentRule } from './emit-spec.js';
import { hullWalk, type GroupModels, type HullSolution, type Mix, type Objective } from './hull-walk.js';
import { limitChange } from './max-change.js';
import { optionsKey } from './options-key.js';
import { mixText, ms, pct, pText, pts, ratio, usd1k } from './rationale.js';
import { splitMetrics } from './split-metrics.js';

/** Segments with fewer train cases than this follow the default rule (`--min-segment-n`). */
export const DEFAULT_MIN_SEGMENT_N = 30;
/** Slack on the holdout for ceilings fitted on train: sampling noise must not veto a sound proposal. */
export const CEILING_SLACK = 0.05;

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

export interface SegmentDecision {
  key: string;
  value: unknown;
  train_n: number;
  holdout_n: number;
  /** Own rule in the proposal, or why not. */
  kept: boolean;
  reason: string;
  mix: Mix | null;
}

export interface ProposalDraft {
  status: 'pending' | 'no_change';
  /** Why no change is recommended (null when pending). */
  reason: string | null;
  policy: PolicySpec;
  train: SplitMetrics;
  holdout: SplitMetrics;
  baseline: SplitMetrics;
  holdout_diff: { mean: number; ci: [number, number]; p_value: number };
  rationale: string[];
  options_key: string;
  segments: SegmentDecision[];
  /** The fitted routing: group key → model shares (`default` for everything without a rule). */
  mixes: Record<string, Mix>;
}

interface Fit {
  solution: HullSolution;
  groups: GroupModels[];
  /** case index → group key */
  groupOf: (row: number) => string;
}

/**
 * The proposal optimiser. Fit on the train split: each group of cases (a kept segment, or the
 * rest) gets the mix of allowed models that maximises quality under the cost ceiling (or minimises
 * cost above the quality floor) — an exact fractional-knapsack walk over the groups' convex hulls
 * (hull-walk.ts). Segment rules survive only where they beat the global mix on the holdout at the
 * optimum's own price of quality. Then the emitted spec is evaluated exactly as run variants are
 * (src/replay) on both splits, compared with the baseline on the holdout, and explained.
 */
export function propose(input: ProposeInput): ProposalDraft {
  const options = ProposalOptions.parse(input.options);
  const key = optionsKey(options);
  const rng = createRng(`${input.seed}:propose:${key}`);
  const rationale: string[] = [];

  const trainCases = input.cases.filter((c) => c.split === 'train');
  let holdoutCases = input.cases.filter((c) => c.split === 'holdout');
  if (trainCases.length === 0) throw new Error(`run ${input.runId} has no train cases to fit on`);
  if (holdoutCases.length === 0) {
    holdoutCases = trainCases;
    rationale.push('The run has no holdout split (--holdout 0), so the check below reuses the train cases and is optimistic.');
  }
  const table = buildOutcomeTable(input.cases.map((c) => c.case_id), input.outcomes);
  const rowOf = new Map(table.caseIds.map((id, i) => [id, i]));
  const trainRows = trainCases.map((c) => rowOf.get(c.case_id) as number);
  const holdRows = holdoutCases.map((c) => rowOf.get(c.case_id) as number);
  const matrix = buildOutcomeMatrix(input.outcomes);
  const baseById = new Map(input.baseline.results.map((r) => [r.case_id, r]));
  const baseOn = (cases: readonly RunCase[]) => cases.map((c) => baseById.get(c.case_id)).filter((r): r is VariantCaseResult => r !== undefined);
  const baseTrain = baseOn(trainCases);
  const baseHold = baseOn(holdoutCases);
  const meanCost = (rs: readonly VariantCaseResult[]) => (rs.length ? rs.reduce((s, r) => s + r.cost_usd, 0) / rs.length : 0);
  const baseLabel = input.baseline.version !== null ? `the current version (v${input.baseline.version})` : `the baseline ${input.baseline.name}`;

  // Latency ceiling: a mix's p95 never exceeds the largest p95 among its models, so dropping the
  // models over the ceiling is enough to keep every mix under it.
  let allowed = table.models;
  if (options.max_p95_ms !== undefined) {
    const limit = options.max_p95_ms;
    const over: string[] = [];
    allowed = table.models.filter((m, mi) => {
      const lat = trainRows.map((r) => table.latency[r * table.models.length + mi] as number).filter(Number.isFinite);
      const p95 = lat.length ? quantile(lat, 0.95) : Number.NaN;
      if (Number.isFinite(p95) && p95 > limit) {
        over.push(`${m} (p95 ${ms(p95)})`);
        return false;
      }
      return true;
    });
    if (allowed.length === 0) throw new InputError(`--max-p95-ms: no model of run ${input.runId} has a p95 under ${ms(limit)} on its train cases (${over.join(', ')})`);
    if (over.length) rationale.push(`Left out for the ${ms(limit)} p95 ceiling: ${over.join(', ')}.`);
  }

  const objective = objectiveOf(options, meanCost(baseTrain));
  rationale.unshift(objectiveText(options, objective, baseLabel));

  const fit = (segmentValues: ReadonlySet<string>): Fit => {
    const groupOf = (row: number) => {
      if (!options.segment_by) return DEFAULT_GROUP;
      const v = segmentValue(input.cases[row] as RunCase, options.segment_by);
      return segmentValues.has(v) ? `seg:${v}` : DEFAULT_GROUP;
    };
    const byGroup = new Map<string, number[]>();
    for (const r of trainRows) {
      const g = groupOf(r);
      byGroup.set(g, [...(byGroup.get(g) ?? []), r]);
    }
    const groups = [...byGroup.entries()].map(([k, rows]) => ({ key: k, share: rows.length / trainRows.length, points: pointsOf(table, rows, allowed) }));
    return { solution: hullWalk(groups, objective), groups, groupOf };
  };

  // Segments: candidates by train size, then kept only where they beat the global mix on holdout.
  const segments: SegmentDecision[] = [];
  const global = fit(new Set());
  let chosen = global;
  if (options.segment_by) {
    const field = options.segment_by;
    const minN = options.min_segment_n ?? DEFAULT_MIN_SEGMENT_N;
    const counts = new Map<string, { value: unknown; train: number; holdout: number }>();
    for (const c of input.cases) {
      const v = segmentValue(c, field);
      const e = counts.get(v) ?? { value: ownValue(c.metadata, field), train: 0, holdout: 0 };
      if (c.split === 'train') e.train++;
      else e.holdout++;
      counts.set(v, e);
    }
    const eligible = new Set([...counts.entries()].filter(([v, e]) => v !== NO_SEGMENT && e.train >= minN).map(([v]) => v));
    const full = fit(eligible);
    const lambda = full.solution.lambda;
    const kept = new Set<string>();
    for (const [v, e] of [...counts.entries()].sort((a, b) => b[1].train - a[1].train || a[0].localeCompare(b[0]))) {
      const decision: SegmentDecision = { key: v, value: e.value, train_n: e.train, holdout_n: e.holdout, kept: false, reason: '', mix: null };
      segments.push(decision);
      if (v === NO_SEGMENT) {
        decision.reason = `cases without ${field} follow the default rule`;
        continue;
      }
      if (!eligible.has(v)) {
        decision.reason = `only ${e.train} train cases (< ${minN}): follows the default rule`;
        continue;
      }
      const own = full.solution.mixes.get(`seg:${v}`) ?? {};
      const glob = global.solution.mixes.get(DEFAULT_GROUP) ?? {};
      const rows = holdRows.filter((r) => segmentValue(input.cases[r] as RunCase, field) === v);
      const ownV = mixValue(table, rows, own, lambda);
      const globV = mixValue(table, rows, glob, lambda);
      const sameMix = mixText(own) === mixText(glob);
      if (sameMix) decision.reason = 'its best mix is the global one';
      else if (rows.length === 0) decision.reason = 'no holdout cases to check it on';
      else if (ownV.value > globV.value + 1e-12) {
        kept.add(v);
        decision.kept = true;
        decision.reason = `beats the global mix on ${rows.length} holdout cases: quality ${ownV.quality.toFixed(3)} vs ${globV.quality.toFixed(3)}, ${usd1k(ownV.cost * 1000)} vs ${usd1k(globV.cost * 1000)}`;
      } else if (ownV.cost < globV.cost && ownV.quality >= globV.quality - pairedSe(table, rows, own, glob)) {
        // When the ceiling does not bind, the price of quality is 0 and only quality counts; a
        // rule that is as good within noise for less money still beats the global choice.
        kept.add(v);
        decision.kept = true;
        decision.reason = `as good as the global mix within noise on ${rows.length} holdout cases (quality ${ownV.quality.toFixed(3)} vs ${globV.quality.toFixed(3)}) and cheaper (${usd1k(ownV.cost * 1000)} vs ${usd1k(globV.cost * 1000)})`;
      } else {
        decision.reason = `its own mix does not pay for its cost on ${rows.length} holdout cases (quality ${ownV.quality.toFixed(3)} at ${usd1k(ownV.cost * 1000)} vs ${globV.quality.toFixed(3)} at ${usd1k(globV.cost * 1000)} for the global mix)`;
      }
    }
    if (kept.size) chosen = kept.size === eligible.size ? full : fit(kept);
  }

  // Bounded change per night, measured against what the baseline actually served on train.
  const shares = new Map(chosen.groups.map((g) => [g.key, g.share]));
  const current = servedByGroup(baseTrain, trainCases, (i) => chosen.groupOf(rowOf.get((trainCases[i] as RunCase).case_id) as number));
  const limited = limitChange(current, chosen.solution.mixes, shares, options.max_change);
  if (limited.step < 1) {
    rationale.push(`Change limited to ${pct(options.max_change ?? 0)} of requests (--max-change): the optimum would move ${pct(limited.wanted)}, so this goes ${pct(limited.step)} of the way.`);
  }
  const mixes = limited.mixes;

  const rules: SegmentRule[] = [];
  for (const s of segments) {
    const mix = mixes.get(`seg:${s.key}`);
    if (s.kept && mix) {
      s.mix = mix;
      rules.push({ key: s.key, field: options.segment_by as string, value: s.value, mix });
    }
  }
  // Every segment may have its own rule; unseen values then fall to the global optimum.
  const defaultMix = mixes.get(DEFAULT_GROUP) ?? global.solution.mixes.get(DEFAULT_GROUP) ?? {};
  const policy = emitSpec(input.baseline.spec, defaultMix, rules);
  const issues = validateSpec(policy);
  if (issues.length) throw new Error(`the optimiser emitted an invalid policy: ${JSON.stringify(issues)}`);

  const evalOn = (cases: readonly RunCase[]) => evaluateVariant(policy, cases, matrix as OutcomeMatrix, { rate: input.rate, seed: input.seed });
  const propTrain = evalOn(trainCases);
  const propHold = evalOn(holdoutCases);
  const train = splitMetrics(propTrain, rng.fork('train'));
  const holdout = splitMetrics(propHold, rng.fork('holdout'));
  const baseline = splitMetrics(baseHold, rng.fork('baseline'));
  const propById = new Map(propHold.map((r) => [r.case_id, r]));
  const paired = holdoutCases.filter((c) => baseById.has(c.case_id));
  const diff = pairedBootstrap(
    paired.map((c) => (propById.get(c.case_id) as VariantCaseResult).quality),
    paired.map((c) => (baseById.get(c.case_id) as VariantCaseResult).quality),
    { rng: rng.fork('diff') },
  );
  const holdout_diff = { mean: diff.mean, ci: diff.ci, p_value: diff.p_value };

  rationale.push(`Fitted on ${trainCases.length} train cases; checked on ${holdoutCases.length} holdout cases.`);
  if (rules.length) {
    for (const r of rules) rationale.push(`Segment ${r.field}=${r.key}: ${mixText(r.mix)}.`);
    rationale.push(`Everything else: ${mixText(defaultMix)}.`);
  } else rationale.push(`Routing: ${mixText(defaultMix)}.`);
  for (const s of segments) if (!s.kept && s.key !== NO_SEGMENT) rationale.push(`Segment ${options.segment_by}=${s.key} gets no rule: ${s.reason}.`);
  rationale.push(
    `Holdout quality ${holdout.quality.toFixed(3)} (95% CI ${holdout.quality_ci[0].toFixed(3)}–${holdout.quality_ci[1].toFixed(3)}) vs ${baseline.quality.toFixed(3)} for ${baseLabel}: ${pts(diff.mean)} (CI ${pts(diff.ci[0])} to ${pts(diff.ci[1])}, ${pText(diff.p_value)}).`,
  );
  rationale.push(`Holdout cost ${usd1k(holdout.cost_per_1k)} vs ${usd1k(baseline.cost_per_1k)} (${ratio(holdout.cost_per_1k, baseline.cost_per_1k)}); p95 ${ms(holdout.p95_ms)} vs ${ms(baseline.p95_ms)}.`);

  const reason = verdict(options, holdout, baseline, diff.mean, meanCost(baseHold), objectiveHold(options, objective, meanCost(baseHold)));
  rationale.push(reason === null ? 'Recommended: it beats the current routing on the holdout under the stated limits.' : `No change recommended: ${reason}.`);

  return {
    status: reason === null ? 'pending' : 'no_change',
    reason,
    policy,
    train,
    holdout,
    baseline,
    holdout_diff,
    rationale,
    options_key: key,
    segments,
    mixes: Object.fromEntries(mixes),
  };
}

function objectiveOf(options: ProposalOptions, baselineCost: number): Objective {
  if (options.min_quality !== undefined) return { kind: 'min_cost', minQuality: options.min_quality };
  if (options.max_cost_per_1k !== undefined) return { kind: 'max_quality', maxCost: options.max_cost_per_1k / 1000 };
  // Without a stated ceiling the proposal may not cost more than today's routing.
  return { kind: 'max_quality', maxCost: (options.max_cost_ratio ?? 1) * baselineCost };
}

/** The cost ceiling re-stated on the holdout: a ratio applies to the baseline's holdout cost. */
function objectiveHold(options: ProposalOptions, fitted: Objective, baselineHoldCost: number): Objective {
  if (fitted.kind === 'min_cost' || options.max_cost_per_1k !== undefined) return fitted;
  return { kind: 'max_quality', maxCost: (options.max_cost_ratio ?? 1) * baselineHoldCost };
}

function objectiveText(options: ProposalOptions, objective: Objective, baseLabel: string): string {
  const latency = options.max_p95_ms !== undefined ? ` and a p95 of at most ${ms(options.max_p95_ms)}` : '';
  if (objective.kind === 'min_cost') return `Objective: the lowest cost with quality at least ${objective.minQuality.toFixed(3)}${latency}.`;
  const basis =
    options.max_cost_per_1k !== undefined
      ? ''
      : ` (${(options.max_cost_ratio ?? 1).toFixed(2)}× the cost of ${baseLabel}${options.max_cost_ratio === undefined ? '; no ceiling was given' : ''})`;
  return `Objective: the best quality at no more than ${usd1k(objective.maxCost * 1000)}${basis}${latency}.`;
}

/** null when the proposal beats the baseline on the holdout under the stated limits, else why not. */
function verdict(options: ProposalOptions, holdout: SplitMetrics, baseline: SplitMetrics, diff: number, baseCost: number, held: Objective): string | null {
  const cost = holdout.cost_per_1k / 1000;
  const fitsLatency = (m: SplitMetrics) => options.max_p95_ms === undefined || !(m.p95_ms > options.max_p95_ms * (1 + CEILING_SLACK));
  if (!fitsLatency(holdout)) return `its holdout p95 is ${ms(holdout.p95_ms)}, over the ${ms(options.max_p95_ms ?? 0)} ceiling`;
  if (held.kind === 'min_cost') {
    if (holdout.quality < held.minQuality) return `its holdout quality ${holdout.quality.toFixed(3)} is under the floor of ${held.minQuality.toFixed(3)}`;
    if (baseline.quality >= held.minQuality && cost >= baseCost) return `it saves nothing on the holdout (${usd1k(holdout.cost_per_1k)} vs ${usd1k(baseline.cost_per_1k)})`;
    return null;
  }
  const ceiling = held.maxCost * (1 + CEILING_SLACK);
  if (cost > ceiling) return `its holdout cost ${usd1k(holdout.cost_per_1k)} is over the ceiling of ${usd1k(held.maxCost * 1000)}`;
  const baselineFits = baseCost <= ceiling && fitsLatency(baseline);
  // Beating means better quality, or the same quality for clearly less money.
  const cheaperAtSameQuality = diff >= -1e-12 && cost < baseCost * 0.99;
  if (baselineFits && !(diff > 1e-12) && !cheaperAtSameQuality) return `it does not beat the current routing on the holdout (${pts(diff)})`;
  return null;
}

function pointsOf(table: OutcomeTable, rows: readonly number[], allowed: readonly string[]): QcPoint[] {
  const byModel = new Map(modelPoints(table, rows).map((p) => [p.label, p]));
  return allowed.map((model) => byModel.get(model) as QcPoint);
}

/** Expected quality, cost and Lagrangian value q − λ·c of a mix on some cases (linear model). */
function mixValue(table: OutcomeTable, rows: readonly number[], mix: Mix, lambda: number): { quality: number; cost: number; value: number } {
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
  return { quality: q / n, cost: c / n, value: (q - (Number.isFinite(lambda) ? lambda : 0) * c) / n };
}

/** Standard error of the per-case quality difference between two mixes on the same cases. */
function pairedSe(table: OutcomeTable, rows: readonly number[], a: Mix, b: Mix): number {
  const n = rows.length;
  if (n < 2) return 0;
  const M = table.models.length;
  const at = (mix: Mix, r: number) => Object.entries(mix).reduce((s, [model, w]) => {
    const m = table.models.indexOf(model);
    return m < 0 ? s : s + w * (table.quality[r * M + m] as number);
  }, 0);
  const d = rows.map((r) => at(a, r) - at(b, r));
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const variance = d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return Math.sqrt(variance / n);
}

/** What the baseline served per group, as shares (errors excluded). */
function servedByGroup(results: readonly VariantCaseResult[], cases: readonly RunCase[], groupOfCase: (i: number) => string): Map<string, Mix> {
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

