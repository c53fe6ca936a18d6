// Runs and their variants: insert, status, planning counts, stall reaping, finishing.
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { PolicySpec } from '../../domain/policy-spec.js';
import type { RunStatus } from '../../domain/run.js';
import { redactString } from '../../redact/redact-text.js';
import type { Db } from '../db.js';
import { policies } from '../schema/policy.js';
import { runs, runVariants } from '../schema/runs.js';
import { query } from './json-rows.js';
import { recordMissingFailures } from './run-result-repo.js';

export type RunRow = typeof runs.$inferSelect;
export type NewRunRow = typeof runs.$inferInsert;

export interface RunVariant {
  idx: number;
  name: string;
  version: number | null;
  versionId: number | null;
  spec: PolicySpec;
  isBaseline: boolean;
}

// ── runs ────────────────────────────────────────────────────────────────────────────────────────

/**
 * Insert a run and its variants in one transaction. Returns false when the run's schedule slot is
 * already taken (the nightly trigger fired twice): one run per policy per slot.
 */
export async function insertRun(db: Db, run: NewRunRow, variants: readonly RunVariant[]): Promise<boolean> {
  return db.transaction(async (tx) => {
    const created = await tx.insert(runs).values(run).onConflictDoNothing().returning({ id: runs.id });
    if (created.length === 0) return false;
    await tx.insert(runVariants).values(
      variants.map((v) => ({
        runId: run.id,
        idx: v.idx,
        name: v.name,
        versionId: v.versionId,
        version: v.version,
        spec: v.spec,
        isBaseline: v.isBaseline,
      })),
    );
    return true;
  });
}

export async function getRun(db: Db, id: string): Promise<(RunRow & { policyName: string }) | undefined> {
  const rows = await db
    .select({ run: runs, policyName: policies.name })
    .from(runs)
    .innerJoin(policies, eq(policies.id, runs.policyId))
    .where(eq(runs.id, id))
    .limit(1);
  const r = rows[0];
  return r ? { ...r.run, policyName: r.policyName } : undefined;
}

export async function getRunBySlot(db: Db, policyId: number, slot: string): Promise<RunRow | undefined> {
  const rows = await db
    .select()
    .from(runs)
    .where(and(eq(runs.policyId, policyId), eq(runs.scheduleSlot, slot)))
    .limit(1);
  return rows[0];
}

export interface RunListItem {
  id: string;
  policy: string;
  status: RunStatus;
  sourceKind: string;
  sourceName: string;
  pairs: number;
  modelCalls: number;
  costUsd: number;
  coverage: number | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export async function listRuns(db: Db, limit = 100): Promise<RunListItem[]> {
  const rows = await db
    .select({ run: runs, policy: policies.name })
    .from(runs)
    .innerJoin(policies, eq(policies.id, runs.policyId))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(limit);
  return rows.map(({ run, policy }) => ({
    id: run.id,
    policy,
    status: run.status as RunStatus,
    sourceKind: run.sourceKind,
    sourceName: run.sourceName,
    pairs: run.pairs,
    modelCalls: run.modelCalls,
    costUsd: run.costUsd,
    coverage: run.coverage,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
  }));
}

export async function getVariants(db: Db, runId: string): Promise<RunVariant[]> {
  const rows = await db.select().from(runVariants).where(eq(runVariants.runId, runId)).orderBy(asc(runVariants.idx));
  return rows.map((v) => ({
    idx: v.idx,
    name: v.name,
    version: v.version,
    versionId: v.versionId,
    spec: v.spec,
    isBaseline: v.isBaseline,
  }));
}

export async function setRunStatus(db: Db, runId: string, status: RunStatus, error?: string): Promise<void> {
  const finished = status === 'completed' || status === 'failed' || status === 'capped';
  await db
    .update(runs)
    .set({ status, ...(error !== undefined ? { error: redactString(error) } : {}), ...(finished ? { finishedAt: new Date() } : {}) })
    .where(eq(runs.id, runId));
}

/** A worker stored something for the run: it is making progress (by the database's clock). */
export async function touchRunProgress(db: Db, runId: string): Promise<void> {
  await db.execute(sql`update runs set progress_at = now() where id = ${runId} and status in ('queued', 'running')`);
}

/**
 * The stall detector: fail every queued or running run (or only `runId`) on which no worker has
 * stored anything for `stallMs`, with the reason, and give each of its (variant, case) without a
 * row a recorded failure — so no run is left running for ever and the checker's invariants hold.
 * Conditional on the status, so a run that finishes meanwhile is left alone. Returns the failed ids.
 */
export async function reapStalledRuns(db: Db, stallMs: number, runId?: string): Promise<string[]> {
  const secs = Math.max(0, stallMs) / 1000;
  const reason = `no progress for ${formatSeconds(secs)}: the workers stopped (crashed, hung on a case, or none is running)`;
  const failed = await query<{ id: string; pairs: number; stored: number }>(
    db,
    sql`
      update runs set status = 'failed', error = ${reason}, finished_at = now()
      where status in ('queued', 'running')
        and coalesce(progress_at, created_at) < now() - make_interval(secs => ${secs}::float8)
        ${runId === undefined ? sql`` : sql`and id = ${runId}`}
      returning id, pairs, (select count(*)::int from run_outcomes o where o.run_id = runs.id) as stored`,
  );
  for (const r of failed) {
    // Chunks that never finished are failed chunks: that is why their pairs have no outcome.
    await db.execute(sql`
      insert into run_chunks (run_id, chunk, status, error)
      select distinct ${r.id}, c.chunk, 'failed', ${reason} from run_cases c where c.run_id = ${r.id}
      on conflict do nothing`);
    await recordMissingFailures(db, r.id, `run failed: ${reason} after ${r.stored} of ${r.pairs} pairs`);
  }
  return failed.map((r) => r.id);
}

function formatSeconds(secs: number): string {
  return secs >= 120 ? `${Math.round(secs / 60)} min` : `${Number(secs.toFixed(1))} s`;
}

/** Planning is done: record the counts and move a queued run to running (never back from finished). */
export async function markPlanned(db: Db, runId: string, plan: { pairs: number; chunks: number; notes: string[] }): Promise<void> {
  await db
    .update(runs)
    .set({
      pairs: plan.pairs,
      chunks: plan.chunks,
      notes: plan.notes,
      status: sql`case when ${runs.status} = 'queued' then 'running' else ${runs.status} end`,
    })
    .where(eq(runs.id, runId));
}

export interface RunTotals {
  modelCalls: number;
  cacheHits: number;
  recorded: number;
  costUsd: number;
  coverage: number;
  status: RunStatus;
  notes: string[];
  error?: string;
}

export async function finishRun(db: Db, runId: string, totals: RunTotals): Promise<void> {
  await db
    .update(runs)
    .set({
      modelCalls: totals.modelCalls,
      cacheHits: totals.cacheHits,
      recorded: totals.recorded,
      costUsd: totals.costUsd,
      coverage: totals.coverage,
      status: totals.status,
      notes: totals.notes,
      ...(totals.error !== undefined ? { error: totals.error } : {}),
      finishedAt: new Date(),
    })
    .where(eq(runs.id, runId));
}
