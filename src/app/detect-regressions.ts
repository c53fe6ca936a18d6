import { loadCases } from '../store/repos/run-case-repo.js';
import { baselineRunIds, nightRows } from '../store/repos/nightly-repo.js';
import type { Db } from '../store/db.js';
import { detectRegressions, type RegressionReport } from '../stats/regression.js';
import { SEGMENT_FIELDS } from './write-run-report.js';

/**
 * Check a finished run against the rolling baseline of the previous K runs of its policy on the
 * same source: the detector of src/stats/regression.ts (the one the simulation test measures),
 * over models × segments × metrics.
 */
export async function detectRunRegressions(
  db: Db,
  runId: string,
  opts: { baselineNights?: number; segmentBy?: string } = {},
): Promise<RegressionReport> {
  const k = opts.baselineNights ?? 3;
  const segmentBy = opts.segmentBy ?? (await defaultSegment(db, runId));
  const ids = [...(await baselineRunIds(db, runId, k)), runId];
  const nights = await Promise.all(ids.map(async (id) => ({ run_id: id, rows: await nightRows(db, id, segmentBy) })));
  return detectRegressions(nights, { baselineNights: k });
}

async function defaultSegment(db: Db, runId: string): Promise<string | null> {
  const cases = await loadCases(db, runId);
  const distinct = (field: string) => new Set(cases.map((c) => c.metadata[field]).filter((v) => v !== undefined)).size;
  return SEGMENT_FIELDS.find((f) => distinct(f) >= 2) ?? null;
}
