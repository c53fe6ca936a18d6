import { addTo, dataRecord, dataRecordOf } from '../domain/data-record.js';
import type { RunCase, VariantCaseResult } from '../domain/run.js';
import type { Mix } from './hull-walk.js';

/** What the baseline served per group, as shares (errors excluded). */
export function servedByGroup(
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
