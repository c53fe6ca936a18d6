import type { ConstraintReport, ProposalOptions, SplitMetrics } from '../domain/proposal.js';
import type { Objective } from './hull-walk.js';
import { ms, pct, pText, pts, usd1k } from './rationale.js';

/** Family-wise error rate of the holdout tests (Holm, as the reports use). */
export const ALPHA = 0.05;

export function objectiveOf(options: ProposalOptions, baselineCost: number): Objective {
  if (options.min_quality !== undefined) return { kind: 'min_cost', minQuality: options.min_quality };
  if (options.max_cost_per_1k !== undefined) return { kind: 'max_quality', maxCost: options.max_cost_per_1k / 1000 };
  // Without a stated ceiling the proposal may not cost more than today's routing.
  return { kind: 'max_quality', maxCost: (options.max_cost_ratio ?? 1) * baselineCost };
}

export function objectiveText(options: ProposalOptions, objective: Objective, baseLabel: string): string {
  const latency = options.max_p95_ms !== undefined ? ` and a p95 of at most ${ms(options.max_p95_ms)}` : '';
  if (objective.kind === 'min_cost')
    return `Objective: the lowest cost with quality at least ${objective.minQuality.toFixed(3)}${latency}.`;
  const basis =
    options.max_cost_per_1k !== undefined
      ? ''
      : ` (${(options.max_cost_ratio ?? 1).toFixed(2)}× the cost of ${baseLabel} over all the run's cases${options.max_cost_ratio === undefined ? '; no ceiling was given' : ''})`;
  return `Objective: the best quality at no more than ${usd1k(objective.maxCost * 1000)}${basis}${latency}.`;
}

export interface VerdictInput {
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
export function verdict(v: VerdictInput): string | null {
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

export function supportText(diff: number, holmQ: number, margin: number, lower: number): string {
  if (diff > 0 && holmQ < ALPHA) return `better on the holdout by ${pts(diff)} (Holm ${pText(holmQ)})`;
  if (lower >= -margin)
    return `as good within ${pts(margin).slice(1)} (CI from ${pts(lower)}) and cheaper on the holdout, or it brings the routing under the stated limits`;
  return 'it brings the routing under the stated limits';
}
