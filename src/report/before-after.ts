import type { Outcome } from '../domain/outcome.js';
import type { PolicySpec } from '../domain/policy-spec.js';
import type { RunCase, VariantCaseResult } from '../domain/run.js';
import { buildOutcomeMatrix, evaluateVariant } from '../replay/index.js';
import { NO_SEGMENT, segmentValue } from '../stats/run-analysis.js';

export interface BeforeAfterGroup {
  label: string;
  n: number;
  before: { quality: number; cost: number };
  after: { quality: number; cost: number };
}

/**
 * The proposal against the current version on the holdout, overall and per segment: the proposal
 * is evaluated exactly as a run variant is (src/replay) on the holdout cases.
 */
export function proposalBeforeAfter(
  spec: PolicySpec,
  baseline: readonly VariantCaseResult[],
  cases: readonly RunCase[],
  outcomes: readonly Outcome[],
  opts: { segmentBy: string | null; rate: number; seed: string },
): BeforeAfterGroup[] {
  let hold = cases.filter((c) => c.split === 'holdout');
  if (hold.length === 0) hold = [...cases];
  const after = evaluateVariant(spec, hold, buildOutcomeMatrix(outcomes), { rate: opts.rate, seed: opts.seed });
  const afterById = new Map(after.map((r) => [r.case_id, r]));
  const beforeById = new Map(baseline.map((r) => [r.case_id, r]));
  const groups = new Map<string, RunCase[]>([['all holdout cases', hold]]);
  if (opts.segmentBy) {
    for (const c of hold) {
      const v = segmentValue(c, opts.segmentBy);
      const key = v === NO_SEGMENT ? `${opts.segmentBy} not set` : `${opts.segmentBy} = ${v}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
  }
  const mean = (rs: Array<VariantCaseResult | undefined>, f: (r: VariantCaseResult) => number) => {
    const xs = rs.filter((r): r is VariantCaseResult => r !== undefined);
    return xs.length ? xs.reduce((s, r) => s + f(r), 0) / xs.length : Number.NaN;
  };
  return [...groups.entries()].map(([label, cs]) => {
    const b = cs.map((c) => beforeById.get(c.case_id));
    const a = cs.map((c) => afterById.get(c.case_id));
    return {
      label,
      n: cs.length,
      before: { quality: mean(b, (r) => r.quality), cost: mean(b, (r) => r.cost_usd) },
      after: { quality: mean(a, (r) => r.quality), cost: mean(a, (r) => r.cost_usd) },
    };
  });
}
