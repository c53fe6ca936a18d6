import { availableParallelism } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { InputError } from '../domain/errors.js';
import type { TrafficFormat } from '../domain/traffic-record.js';
import { compileUserPatterns, createRedactor, type UserPattern } from '../redact/redact-text.js';
import type { CopyRows } from './fast-path/copy-rows.js';
import type { Db, Store } from '../store/db.js';
import { isConnectionLoss } from '../store/connection-loss.js';
import { errorReason } from '../store/error-reason.js';
import {
  abandonImport,
  beginImport,
  beginLockedImport,
  finishImport,
  reapStaleImports,
  releaseImportLock,
} from '../store/repos/traffic-import-repo.js';
import { copyTrafficWriter } from './fast-path/copy-writer.js';
import { jsonTrafficWriter, type TrafficWriter } from '../store/repos/traffic-repo.js';
import { describeFile, type FileInput } from './describe-file.js';
import { importBatch } from './import-batch.js';
import { ImportState } from './import-state.js';
import type { ImportSummary } from './import-summary.js';
import { importValues } from './import-values.js';
import type { ValueFormat } from './readers/by-format.js';
import type { SourceProgress } from './readers/line-source.js';
import { RowsPool, type RowsOffload } from './fast-path/rows-pool.js';
import { createScrubber } from './scrub.js';

export interface ImportProgress {
  lines: number;
  bytes: number;
  totalBytes: number;
}

export interface ImportOptions {
  format?: 'auto' | TrafficFormat;
  /** Share of bad lines above which the import is abandoned and nothing of it kept (default 0.5). */
  maxBadShare?: number;
  redactPatterns?: UserPattern[];
  onProgress?: (p: ImportProgress) => void;
  /** Rows per batch (default 500 on PGlite, 5000 on Postgres, where batches go in by COPY). */
  batchSize?: number;
  /**
   * Worker threads that turn values into rows beside the main thread (Postgres only). Default: one
   * fewer than the machine's cores, at most MAX_WORKERS, for inputs of WORKERS_MIN_BYTES or more;
   * none for smaller ones, where starting a thread costs more than it saves. 0 turns them off.
   */
  workers?: number;
}

const PROGRESS_EVERY = 5000;
const WORKERS_MIN_BYTES = 32 * 1024 * 1024;
const MAX_WORKERS = 3;

/** Thrown so that the import is undone (rollback or delete); turned into an InputError outside. */
class TooManyBadLines extends Error {}

/**
 * Import traffic files into the store: read (streaming), normalise, redact, write in batches with
 * ON CONFLICT DO NOTHING. Bad lines are quarantined with their line number; when their share
 * exceeds `maxBadShare`, or anything fails, nothing of the import is kept and an InputError (bad
 * share) or the failure is thrown: a transaction on PGlite, deleting the import's rows on Postgres
 * (where batches are written on several connections at once). Batches are written while the next
 * ones are read.
 */
export async function importTraffic(store: Store, files: string[], opts: ImportOptions = {}): Promise<ImportSummary> {
  const plan = await planImport(store, files, opts);
  try {
    if (store.kind === 'pglite') {
      // One process, one connection: a transaction costs nothing and makes the import all-or-nothing.
      return await store.db.transaction(async (tx) => {
        const db = tx as unknown as Db;
        const importId = await beginImport(db, files, plan.format);
        return runImport(plan, db, importId, jsonTrafficWriter(db, importId));
      });
    }
    return await importOnPostgres(store, plan);
  } catch (e) {
    if (e instanceof TooManyBadLines) throw new InputError(e.message);
    throw e;
  }
}

/** What an import reads and how: checked before anything is written. */
interface ImportPlan {
  files: string[];
  opts: ImportOptions;
  inputs: FileInput[];
  format: TrafficFormat;
  totalBytes: number;
  batchSize: number;
  patterns: UserPattern[];
  redact: ReturnType<typeof createRedactor>;
  maxBadShare: number;
}

async function planImport(store: Store, files: string[], opts: ImportOptions): Promise<ImportPlan> {
  if (files.length === 0) throw new InputError('traffic import: give at least one --file');
  const maxBadShare = opts.maxBadShare ?? 0.5;
  if (!(maxBadShare >= 0 && maxBadShare <= 1)) throw new InputError(`--max-bad-share: ${maxBadShare} is not between 0 and 1`);
  const patterns = opts.redactPatterns ?? [];
  const { errors } = compileUserPatterns(patterns);
  if (errors.length)
    throw new InputError(
      'bad redaction pattern',
      errors.map((message) => ({ field: 'redact-pattern', message })),
    );
  const redact = createRedactor(patterns);

  const inputs = await Promise.all(files.map((file) => describeFile(file, opts.format ?? 'auto')));
  const formats = [...new Set(inputs.map((i) => i.format))];
  if (formats.length > 1) {
    throw new InputError(
      'these files hold different formats; import them one at a time',
      inputs.map((i) => ({ file: i.file, message: `looks like ${i.format}` })),
    );
  }
  const format = formats[0] as TrafficFormat;
  const totalBytes = inputs.reduce((s, i) => s + i.size, 0);
  const batchSize = opts.batchSize ?? (store.kind === 'postgres' ? 5000 : 500);
  return { files, opts, inputs, format, totalBytes, batchSize, patterns, redact, maxBadShare };
}

/**
 * Postgres: batches are COPYed on two connections at once (the server parses JSON on the other
 * core), so there is no single transaction. The import is a unit all the same: its rows are
 * sampled only once it is completed, and an abandoned or failed one is undone (abandonImport)
 * without touching a row another import inserted. One connection is kept for the import's life
 * holding its advisory lock, so that an import whose process died is told apart and cleaned up
 * by the next import.
 */
async function importOnPostgres(store: Store, plan: ImportPlan): Promise<ImportSummary> {
  const { files, format, opts } = plan;
  if (!store.session) throw new Error('a Postgres store without session connections');
  const session = await store.session();
  const conn = session.sql;
  try {
    await reapStaleImports(store.db, conn);
    const importId = await beginLockedImport(conn, files, format);
    const workers =
      format === 'openai-batch'
        ? 0
        : (opts.workers ?? (plan.totalBytes >= WORKERS_MIN_BYTES ? Math.min(MAX_WORKERS, availableParallelism() - 1) : 0));
    const pool = workers > 0 ? new RowsPool(workers, { format: format as ValueFormat, redactPatterns: plan.patterns, importId }) : null;
    try {
      // Asked for by number: the threads must start (and the import fails if they cannot).
      if (pool && opts.workers !== undefined) await pool.started();
      return await runImport<CopyRows>(plan, store.db, importId, copyTrafficWriter(store.db, importId), pool);
    } catch (caught) {
      const e = isConnectionLoss(caught) ? connectionLost(caught) : caught;
      // Should undoing fail too (the database gone), the import stays `running` with its lock
      // released: the next import cleans it up. The user sees the first error either way.
      await undoImport(
        store.db,
        importId,
        e instanceof TooManyBadLines ? 'abandoned' : 'failed',
        e instanceof TooManyBadLines ? e.message : errorReason(e),
      ).catch(() => {});
      throw e;
    } finally {
      await pool?.close();
      await releaseImportLock(conn, importId).catch(() => {});
    }
  } finally {
    await session.close();
  }
}

/**
 * A driver's "read ECONNRESET" says nothing of what happened to the import. Failed, not retried, as
 * any store error: the connection may have taken the import's lock (its session) with it, and
 * another import may be cleaning it up already.
 */
function connectionLost(e: unknown): Error {
  return new Error(`lost the connection to Postgres mid-import (${errorReason(e)}); nothing of this import is kept: run it again`, {
    cause: e,
  });
}

/**
 * Undoing right after a cut can meet a pool connection the server closed before the driver noticed:
 * that attempt fails, and the next one, a turn of the event loop later (the driver has then seen the
 * close: see copy-writer.ts), gets a new connection. abandonImport is one transaction, safe to repeat.
 */
const UNDO_ATTEMPTS = 3;

async function undoImport(db: Db, importId: number, state: 'abandoned' | 'failed', reason: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await abandonImport(db, importId, state, reason);
    } catch (e) {
      if (!isConnectionLoss(e) || attempt >= UNDO_ATTEMPTS) throw e;
      await setTimeout(0);
    }
  }
}

async function runImport<Batch>(
  plan: ImportPlan,
  db: Db,
  importId: number,
  writer: TrafficWriter<Batch>,
  offload: RowsOffload<Batch> | null = null,
): Promise<ImportSummary> {
  const maker = { format: plan.format, scrub: createScrubber(plan.redact), sink: writer };
  const state = new ImportState(db, importId, maker, plan.batchSize, writer);
  try {
    return await readAndFinish(plan, state, offload);
  } finally {
    // Nothing may still be writing when a failed import is undone.
    await state.settle();
  }
}

/** Read every file into the state, flush, check the bad share, and complete the import. */
async function readAndFinish<Batch>(
  plan: ImportPlan,
  state: ImportState<Batch>,
  offload: RowsOffload<Batch> | null,
): Promise<ImportSummary> {
  const { opts, format, totalBytes } = plan;
  const { db, importId } = state;
  const progress: SourceProgress = { bytes: 0 };
  let lines = 0;
  const tick = (n = 1) => {
    const before = lines;
    lines += n;
    if (opts.onProgress && Math.floor(lines / PROGRESS_EVERY) > Math.floor(before / PROGRESS_EVERY))
      opts.onProgress({ lines, bytes: progress.bytes, totalBytes });
  };
  if (format === 'openai-batch') await importBatch(plan.inputs, state, progress, tick);
  else await importValues(plan.inputs, format, state, progress, tick, offload);
  await state.flush();
  opts.onProgress?.({ lines, bytes: progress.bytes, totalBytes });
  const seen = state.read + state.quarantinedCount;
  if (seen > 0 && state.quarantinedCount / seen > plan.maxBadShare)
    throw new TooManyBadLines(describeBadShare(state, seen, plan.maxBadShare));
  await finishImport(db, importId, {
    imported: state.imported,
    duplicates: state.read - state.imported,
    quarantined: state.quarantinedCount,
    redacted: state.redacted,
    notReplayable: state.notReplayable,
  });
  return {
    import_id: importId,
    format,
    detected: (opts.format ?? 'auto') === 'auto',
    files: plan.files,
    imported: state.imported,
    duplicates: state.read - state.imported,
    quarantined: state.quarantinedList,
    quarantined_count: state.quarantinedCount,
    skipped: state.skipped,
    redacted: state.redacted,
    redacted_kinds: state.redactedKinds,
    not_replayable: state.notReplayable,
  };
}

function describeBadShare<Batch>(state: ImportState<Batch>, seen: number, max: number): string {
  const first = state.quarantinedList.slice(0, 5).map((q) => ({ file: q.file, line: q.line, message: q.reason }));
  const share = ((100 * state.quarantinedCount) / seen).toFixed(1);
  return new InputError(
    `import abandoned, nothing kept: ${state.quarantinedCount} of ${seen} lines are bad (${share}% > --max-bad-share ${max})`,
    first,
  ).message;
}
