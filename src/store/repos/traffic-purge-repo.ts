import { and, eq, gt, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db.js';
import { responseCache } from '../schema/outcomes.js';
import { runCases, runOutcomes, variantResults } from '../schema/runs.js';
import { quarantine, sampleItems, traffic, trafficClaims, trafficImports } from '../schema/traffic.js';
import type { TrafficRequest } from '../../domain/traffic-record.js';

/** Which stored traffic to remove: one import, or everything recorded before a time. */
export type PurgeSelector = { kind: 'import'; importId: number } | { kind: 'before'; before: Date };

export interface PurgeCounts {
  traffic: number;
  quarantined_lines: number;
  imports: number;
  sample_items: number;
  cached_answers: number;
  run_cases: number;
  run_outcomes: number;
  variant_results: number;
}

/** Records are removed this many at a time: each batch is one transaction, memory stays flat. */
const BATCH = 500;

/**
 * Delete the selected traffic and what was derived from it: sample items, response-cache entries
 * of its requests (keyed by every catalog model, `cacheKeysOf`), the cases, outcomes and variant
 * results of runs that replayed it; for an import, its quarantined lines and the import row. Runs
 * in batches, each in a transaction, so an interrupted purge can be run again and finishes the job.
 */
export async function purgeTrafficRows(
  db: Db,
  selector: PurgeSelector,
  cacheKeysOf: (request: TrafficRequest) => string[],
): Promise<PurgeCounts> {
  const counts: PurgeCounts = {
    traffic: 0,
    quarantined_lines: 0,
    imports: 0,
    sample_items: 0,
    cached_answers: 0,
    run_cases: 0,
    run_outcomes: 0,
    variant_results: 0,
  };
  const where: SQL = selector.kind === 'import' ? eq(traffic.importId, selector.importId) : lt(traffic.ts, selector.before);
  let after = '';
  for (;;) {
    const rows = await db
      .select({ id: traffic.id, request: traffic.request })
      .from(traffic)
      .where(and(where, gt(traffic.id, after)))
      .orderBy(traffic.id)
      .limit(BATCH);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]?.id ?? after;
    const ids = rows.map((r) => r.id);
    const keys = [...new Set(rows.flatMap((r) => cacheKeysOf(r.request)))];
    await db.transaction(async (tx) => {
      counts.sample_items += await deleted(
        tx.delete(sampleItems).where(inArray(sampleItems.trafficId, ids)).returning({ k: sampleItems.trafficId }),
      );
      for (let i = 0; i < keys.length; i += BATCH) {
        const chunk = keys.slice(i, i + BATCH);
        counts.cached_answers += await deleted(
          tx.delete(responseCache).where(inArray(responseCache.key, chunk)).returning({ k: responseCache.key }),
        );
      }
      counts.variant_results += await deleted(
        tx.delete(variantResults).where(inArray(variantResults.caseId, ids)).returning({ k: variantResults.caseId }),
      );
      counts.run_outcomes += await deleted(
        tx.delete(runOutcomes).where(inArray(runOutcomes.caseId, ids)).returning({ k: runOutcomes.caseId }),
      );
      counts.run_cases += await deleted(tx.delete(runCases).where(inArray(runCases.caseId, ids)).returning({ k: runCases.caseId }));
      await tx.delete(trafficClaims).where(inArray(trafficClaims.trafficId, ids));
      counts.traffic += await deleted(tx.delete(traffic).where(inArray(traffic.id, ids)).returning({ k: traffic.id }));
    });
  }
  if (selector.kind === 'import') {
    await db.transaction(async (tx) => {
      counts.quarantined_lines += await deleted(
        tx.delete(quarantine).where(eq(quarantine.importId, selector.importId)).returning({ k: quarantine.line }),
      );
      await tx.delete(trafficClaims).where(eq(trafficClaims.importId, selector.importId));
      counts.imports += await deleted(
        tx.delete(trafficImports).where(eq(trafficImports.id, selector.importId)).returning({ k: trafficImports.id }),
      );
    });
  }
  return counts;
}

export async function importExists(db: Db, importId: number): Promise<boolean> {
  const [row] = await db
    .select({ n: sql<number>`1` })
    .from(trafficImports)
    .where(eq(trafficImports.id, importId))
    .limit(1);
  return row !== undefined;
}

async function deleted(rows: Promise<unknown[]>): Promise<number> {
  return (await rows).length;
}
