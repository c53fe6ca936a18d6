import { InputError } from '../domain/errors.js';
import type { OutcomeTable } from '../stats/outcome-table.js';
import { quantile } from '../stats/quantile.js';
import { ms } from './rationale.js';

/**
 * Latency ceiling: a mix's p95 never exceeds the largest p95 among its models, so dropping the
 * models over the ceiling (their p95 on the train rows) is enough to keep every mix under it.
 */
export function modelsUnderLatency(
  table: OutcomeTable,
  trainRows: readonly number[],
  limit: number,
  runId: string,
): { allowed: string[]; over: string[] } {
  const M = table.models.length;
  const over: string[] = [];
  const allowed = table.models.filter((m, mi) => {
    const lat = trainRows.map((r) => table.latency[r * M + mi] as number).filter(Number.isFinite);
    const p95 = lat.length ? quantile(lat, 0.95) : Number.NaN;
    if (Number.isFinite(p95) && p95 > limit) {
      over.push(`${m} (p95 ${ms(p95)})`);
      return false;
    }
    return true;
  });
  if (allowed.length === 0)
    throw new InputError(`--max-p95-ms: no model of run ${runId} has a p95 under ${ms(limit)} on its train cases (${over.join(', ')})`);
  return { allowed, over };
}
