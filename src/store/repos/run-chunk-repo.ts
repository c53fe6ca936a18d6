// Chunk statuses of a run (run_chunks) and its progress.
import { eq, sql } from 'drizzle-orm';
import type { RunStatus } from '../../domain/run.js';
import { redactString } from '../../redact/redact-text.js';
import type { Db } from '../db.js';
import { runChunks } from '../schema/runs.js';
import { query } from './json-rows.js';

// ── chunks ──────────────────────────────────────────────────────────────────────────────────────

export async function markChunk(db: Db, runId: string, chunk: number, status: 'done' | 'failed', error?: string): Promise<void> {
  await db
    .insert(runChunks)
    .values({ runId, chunk, status, error: error === undefined ? null : redactString(error) })
    .onConflictDoNothing();
}

export async function chunkStatuses(db: Db, runId: string): Promise<Map<number, { status: string; error: string | null }>> {
  const rows = await db.select().from(runChunks).where(eq(runChunks.runId, runId));
  return new Map(rows.map((r) => [r.chunk, { status: r.status, error: r.error }]));
}

export interface RunProgress {
  status: RunStatus;
  chunks: number;
  chunksFinished: number;
  pairs: number;
  pairsStored: number;
}

export async function runProgress(db: Db, runId: string): Promise<RunProgress | undefined> {
  const r = await query<{ status: string; chunks: number; pairs: number; finished: number; stored: number }>(
    db,
    sql`select r.status, r.chunks, r.pairs,
               (select count(*)::int from run_chunks c where c.run_id = r.id) as finished,
               (select count(*)::int from run_outcomes o where o.run_id = r.id) as stored
          from runs r where r.id = ${runId}`,
  );
  const row = r[0];
  if (!row) return undefined;
  return {
    status: row.status as RunStatus,
    chunks: Number(row.chunks),
    chunksFinished: Number(row.finished),
    pairs: Number(row.pairs),
    pairsStored: Number(row.stored),
  };
}
