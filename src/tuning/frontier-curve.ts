import { z } from 'zod';
import { bestSingle, hullQualityAt, modelPoints, nonDecreasingHull, oraclePoint } from '../stats/frontier.js';
import { buildOutcomeTable } from '../stats/outcome-table.js';
import { propose, type ProposeInput } from './propose.js';

const Point = z.object({ quality: z.number(), cost_per_1k: z.number() });

export const FrontierRow = z.object({
  /** The ceiling as a share of the best single model's cost, and in USD per 1k requests. */
  share: z.number(),
  ceiling_per_1k: z.number(),
  /** Holdout figures of the proposal fitted (on train) at this ceiling. */
  per_request: Point,
  segments: Point,
  /** Best mix of single models at random (the models' non-decreasing hull) at the same cost. */
  random_mix: z.number().nullable(),
});
export type FrontierRow = z.infer<typeof FrontierRow>;

/** `propose --frontier`: the quality/cost curve a reviewer picks a point on. */
export const FrontierCurve = z.object({
  best_single: Point.extend({ model: z.string() }),
  oracle: Point,
  rows: z.array(FrontierRow),
});
export type FrontierCurve = z.infer<typeof FrontierCurve>;

export const FRONTIER_SHARES = [0.05, 0.1, 0.25, 0.5, 0.75, 1] as const;

/**
 * The proposals across ceilings from 5% to 100% of the best single model's cost (on train), each
 * scored on the holdout, next to that model, the per-case oracle and random mixes of models. Per
 * request: `--per-request` proposals; segments: the same options without it.
 */
export function frontierCurve(input: ProposeInput, shares: readonly number[] = FRONTIER_SHARES): FrontierCurve {
  const table = buildOutcomeTable(
    input.cases.map((c) => c.case_id),
    input.outcomes,
  );
  const rowOf = new Map(table.caseIds.map((id, i) => [id, i]));
  const train = input.cases.filter((c) => c.split === 'train').map((c) => rowOf.get(c.case_id) as number);
  const holdCases = input.cases.filter((c) => c.split === 'holdout');
  const hold = holdCases.length ? holdCases.map((c) => rowOf.get(c.case_id) as number) : train;
  const best = bestSingle(modelPoints(table, train));
  if (!best) throw new Error('the run has no outcomes to draw a frontier from');
  const holdPoints = modelPoints(table, hold);
  const bestHold = holdPoints.find((p) => p.label === best.label) ?? best;
  const hull = nonDecreasingHull(holdPoints);
  const oracle = oraclePoint(table, hold);
  const { max_cost_ratio: _r, max_cost_per_1k: _c, min_quality: _q, per_request: _p, confidence: _f, ...rest } = input.options;
  const rows = shares.map((share) => {
    const ceiling = share * best.cost * 1000;
    const at = (perRequest: boolean) => {
      const d = propose({ ...input, options: { ...rest, max_cost_per_1k: ceiling, ...(perRequest ? { per_request: true } : {}) } });
      return { quality: d.holdout.quality, cost_per_1k: d.holdout.cost_per_1k };
    };
    const perRequest = at(true);
    const q = hullQualityAt(hull, perRequest.cost_per_1k / 1000);
    return { share, ceiling_per_1k: ceiling, per_request: perRequest, segments: at(false), random_mix: Number.isFinite(q) ? q : null };
  });
  return {
    best_single: { model: best.label, quality: bestHold.quality, cost_per_1k: bestHold.cost * 1000 },
    oracle: { quality: oracle.quality, cost_per_1k: oracle.cost * 1000 },
    rows,
  };
}
