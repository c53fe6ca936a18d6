// A run's cost cap: reserve before a model or judge call, settle with what it cost.
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db.js';
import { runs } from '../schema/runs.js';

// ── cost cap ────────────────────────────────────────────────────────────────────────────────────

/**
 * Reserve a call's estimated cost before making it. Atomic in the database, so any number of workers
 * together stay under the cap: false (and the run flagged capped) once the next call would exceed it.
 * Counts every attempted call, duplicates after a crash included.
 */
export async function reserveCall(db: Db, runId: string, estimateUsd: number): Promise<boolean> {
  return reserveUnderCap(db, runId, estimateUsd, { callsAttempted: sql`${runs.callsAttempted} + 1` });
}

/** Add `estimateUsd` to the reserved spend if the cap allows it (with `also` in the same update); else flag the run capped. */
async function reserveUnderCap(db: Db, runId: string, estimateUsd: number, also: { callsAttempted?: SQL } = {}): Promise<boolean> {
  const ok = await db
    .update(runs)
    .set({ reservedUsd: sql`${runs.reservedUsd} + ${estimateUsd}`, ...also })
    .where(
      and(
        eq(runs.id, runId),
        eq(runs.capReached, false),
        sql`(${runs.costCapUsd} is null or ${runs.reservedUsd} + ${estimateUsd} <= ${runs.costCapUsd})`,
      ),
    )
    .returning({ id: runs.id });
  if (ok.length > 0) return true;
  await db.update(runs).set({ capReached: true }).where(eq(runs.id, runId));
  return false;
}

/** Replace reserved estimates by what the calls really cost. */
export async function settleReserved(db: Db, runId: string, deltaUsd: number): Promise<void> {
  if (deltaUsd === 0) return;
  await db
    .update(runs)
    .set({ reservedUsd: sql`greatest(0, ${runs.reservedUsd} + ${deltaUsd})` })
    .where(eq(runs.id, runId));
}

/**
 * Reserve an LLM-judge call's estimated cost under the same cap as model calls. Not counted in
 * calls_attempted: that counter finds repeated model calls against stored outcome rows.
 */
export async function reserveJudgeCall(db: Db, runId: string, estimateUsd: number): Promise<boolean> {
  return reserveUnderCap(db, runId, estimateUsd);
}

/** A judge call's estimate replaced by what it cost, which is added to the run's judge spend. */
export async function settleJudgeCall(db: Db, runId: string, estimateUsd: number, actualUsd: number): Promise<void> {
  await db
    .update(runs)
    .set({
      reservedUsd: sql`greatest(0, ${runs.reservedUsd} + ${actualUsd - estimateUsd})`,
      judgeCostUsd: sql`${runs.judgeCostUsd} + ${actualUsd}`,
    })
    .where(eq(runs.id, runId));
}
