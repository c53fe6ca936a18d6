import { addTo, dataRecord } from '../domain/data-record.js';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { InputError } from '../domain/errors.js';
import type { TrafficFormat } from '../domain/traffic-record.js';
import type { Db, Store } from '../store/db.js';
import { errorReason } from '../store/error-reason.js';
import {
  abandonImport,
  beginImport,
  beginLockedImport,
  copyTrafficWriter,
  finishImport,
  insertQuarantine,
  jsonTrafficWriter,
  reapStaleImports,
  releaseImportLock,
  type TrafficWriter,
} from '../store/repos/traffic-repo.js';
import { QUARANTINE_LIST_LIMIT, type ImportSummary, type QuarantinedLine } from './import-summary.js';
import { batchRole, detectFormat, type BatchRole } from './readers/detect.js';
import { READERS, type ValueFormat } from './readers/by-format.js';
import { readRawBatches, readValues, type SourceProgress } from './readers/line-source.js';
import { joinBatch, readBatchInput, readBatchOutput, type BatchOutput } from './readers/openai-batch.js';
import type { NormalisedRecord, ReaderContext } from './readers/reader.js';
import { compileUserPatterns, createRedactor, redactString, type UserPattern } from '../redact/redact-text.js';
import { sanitizeInline } from '../domain/sanitize.js';
import { createScrubber } from './scrub.js';
import { addRecord, emptyRows, valuesToRows, type RowMaker, type ValueRows } from './value-rows.js';
import { RowsPool, type RowsOffload } from './rows-pool.js';
import type { CopyRows } from '../store/copy-rows.js';

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

/** How many leading values of a file are looked at to tell its format. */
const SNIFF_VALUES = 50;
const PROGRESS_EVERY = 5000;
/** Batches written (or queued on the connection) while the next one is read. */
const WRITES_IN_FLIGHT = 2;
const WORKERS_MIN_BYTES = 32 * 1024 * 1024;
const MAX_WORKERS = 3;
/** Chunks read ahead of the one whose rows are applied next (bounds memory while a worker is slow). */
const CHUNKS_AHEAD = 6;

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

  const run = async <Batch>(
    db: Db,
    importId: number,
    writer: TrafficWriter<Batch>,
    offload: RowsOffload<Batch> | null = null,
  ): Promise<ImportSummary> => {
    const state = new ImportState(db, importId, { format, scrub: createScrubber(redact), sink: writer }, batchSize, writer);
    try {
      return await runWith(state, offload);
    } finally {
      // Nothing may still be writing when a failed import is undone.
      await state.settle();
    }
  };
  const runWith = async <Batch>(state: ImportState<Batch>, offload: RowsOffload<Batch> | null): Promise<ImportSummary> => {
    const { db, importId } = state;
    const progress: SourceProgress = { bytes: 0 };
    let lines = 0;
    const tick = (n = 1) => {
      const before = lines;
      lines += n;
      if (opts.onProgress && Math.floor(lines / PROGRESS_EVERY) > Math.floor(before / PROGRESS_EVERY))
        opts.onProgress({ lines, bytes: progress.bytes, totalBytes });
    };
    if (format === 'openai-batch') await importBatch(inputs, state, progress, tick);
    else await importValues(inputs, format, state, progress, tick, offload);
    await state.flush();
    opts.onProgress?.({ lines, bytes: progress.bytes, totalBytes });
    const seen = state.read + state.quarantinedCount;
    if (seen > 0 && state.quarantinedCount / seen > maxBadShare) throw new TooManyBadLines(describeBadShare(state, seen, maxBadShare));
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
      files,
      imported: state.imported,
      duplicates: state.read - state.imported,
      quarantined: state.quarantinedList,
      quarantined_count: state.quarantinedCount,
      skipped: state.skipped,
      redacted: state.redacted,
      redacted_kinds: state.redactedKinds,
      not_replayable: state.notReplayable,
    };
  };

  try {
    if (store.kind === 'pglite') {
      // One process, one connection: a transaction costs nothing and makes the import all-or-nothing.
      return await store.db.transaction(async (tx) => {
        const db = tx as unknown as Db;
        const importId = await beginImport(db, files, format);
        return run(db, importId, jsonTrafficWriter(db, importId));
      });
    }
    // Postgres: batches are COPYed on two connections at once (the server parses JSON on the other
    // core), so there is no single transaction. The import is a unit all the same: its rows are
    // sampled only once it is completed, and an abandoned or failed one is undone (abandonImport)
    // without touching a row another import inserted. One connection is kept for the import's life
    // holding its advisory lock, so that an import whose process died is told apart and cleaned up
    // by the next import.
    if (!store.session) throw new Error('a Postgres store without session connections');
    const session = await store.session();
    const conn = session.sql;
    try {
      await reapStaleImports(store.db, conn);
      const importId = await beginLockedImport(conn, files, format);
      const workers =
        format === 'openai-batch'
          ? 0
          : (opts.workers ?? (totalBytes >= WORKERS_MIN_BYTES ? Math.min(MAX_WORKERS, availableParallelism() - 1) : 0));
      const pool = workers > 0 ? new RowsPool(workers, { format: format as ValueFormat, redactPatterns: patterns, importId }) : null;
      try {
        // Asked for by number: the threads must start (and the import fails if they cannot).
        if (pool && opts.workers !== undefined) await pool.started();
        return await run<CopyRows>(store.db, importId, copyTrafficWriter(store.db, importId), pool);
      } catch (e) {
        // Should undoing fail too (the database gone), the import stays `running` with its lock
        // released: the next import cleans it up. The user sees the first error either way.
        await abandonImport(
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
  } catch (e) {
    if (e instanceof TooManyBadLines) throw new InputError(e.message);
    throw e;
  }
}

function describeBadShare<Batch>(state: ImportState<Batch>, seen: number, max: number): string {
  const first = state.quarantinedList.slice(0, 5).map((q) => ({ file: q.file, line: q.line, message: q.reason }));
  const share = ((100 * state.quarantinedCount) / seen).toFixed(1);
  return new InputError(
    `import abandoned, nothing kept: ${state.quarantinedCount} of ${seen} lines are bad (${share}% > --max-bad-share ${max})`,
    first,
  ).message;
}

interface FileInput {
  file: string;
  size: number;
  format: TrafficFormat;
  role: BatchRole | null;
  ctx: ReaderContext;
}

/** Check the file can be read and tell its format (and, for Batch, whether it is input or output). */
async function describeFile(file: string, requested: 'auto' | TrafficFormat): Promise<FileInput> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new InputError(`${file}: cannot read the file (does it exist?)`);
  }
  if (!info.isFile()) throw new InputError(`${file}: not a file`);
  const ctx: ReaderContext = { fallbackTimestamp: info.mtime.toISOString() };
  let seen = 0;
  for await (const item of readValues(file)) {
    if (++seen > SNIFF_VALUES) break;
    if (!('value' in item)) continue;
    if (requested !== 'auto') {
      const role = requested === 'openai-batch' ? batchRole(item.value) : null;
      if (requested === 'openai-batch' && !role) continue;
      return { file, size: info.size, format: requested, role, ctx };
    }
    const detected = detectFormat(item.value);
    if (detected) return { file, size: info.size, format: detected.format, role: detected.role ?? null, ctx };
  }
  if (requested !== 'auto' && requested !== 'openai-batch') return { file, size: info.size, format: requested, role: null, ctx };
  throw new InputError(
    requested === 'openai-batch'
      ? `${file}: no OpenAI Batch input or output line among the first ${SNIFF_VALUES} values`
      : `${file}: cannot tell the format from the first ${SNIFF_VALUES} values; pass --format openai-chat|openai-batch|litellm|langfuse|otel`,
  );
}

/**
 * Every value of every file, a chunk of the file (about 1 MB) at a time: one asynchronous step per
 * chunk, and a write awaited only when a batch is full. With `offload`, chunks go to worker threads
 * while they have room and are done here otherwise; their rows are applied in file order.
 */
async function importValues<Batch>(
  inputs: FileInput[],
  format: ValueFormat,
  state: ImportState<Batch>,
  progress: SourceProgress,
  tick: (n: number) => void,
  offload: RowsOffload<Batch> | null,
): Promise<void> {
  const reader = READERS[format];
  const ahead: Array<ChunkRows<Batch>> = [];
  // Apply finished chunks from the front; wait for the front one while too many are read ahead.
  const apply = async (keep: number) => {
    while (ahead.length > 0) {
      const next = ahead[0] as ChunkRows<Batch>;
      if (next.rows === null && ahead.length <= keep) return;
      const rows = next.rows ?? (await next.done);
      ahead.shift();
      const full = state.take(next.file, rows);
      if (full) await full;
    }
  };
  for (const input of inputs) {
    for await (const items of readRawBatches(input.file, progress)) {
      tick(items.length);
      ahead.push(
        items.length > 0 && offload?.hasRoom()
          ? pending(input.file, offload.run(items, input.ctx))
          : settled(input.file, valuesToRows(items, reader, input.ctx, state.maker)),
      );
      await apply(CHUNKS_AHEAD);
    }
  }
  await apply(0);
}

/** One chunk's rows: at hand, or still being made by a worker. */
interface ChunkRows<Batch> {
  file: string;
  /** Null until `done` has settled. */
  rows: ValueRows<Batch> | null;
  done: Promise<ValueRows<Batch>>;
}

function settled<Batch>(file: string, rows: ValueRows<Batch>): ChunkRows<Batch> {
  return { file, rows, done: Promise.resolve(rows) };
}

function pending<Batch>(file: string, done: Promise<ValueRows<Batch>>): ChunkRows<Batch> {
  const chunk: ChunkRows<Batch> = { file, rows: null, done };
  // Noted when it arrives, so the reader loop applies it without waiting; a failure surfaces when
  // the chunk's turn comes (and is not reported as unhandled before that).
  done.then(
    (rows) => {
      chunk.rows = rows;
    },
    () => {},
  );
  return chunk;
}

/** Outputs first (held slim, by custom_id), then inputs streamed past them; unmatched outputs last. */
async function importBatch<Batch>(
  inputs: FileInput[],
  state: ImportState<Batch>,
  progress: SourceProgress,
  tick: () => void,
): Promise<void> {
  const outputs = new Map<string, BatchOutput>();
  const ctx = inputs[0]?.ctx as ReaderContext;
  for (const input of inputs.filter((i) => i.role === 'batch-output')) {
    for await (const item of readValues(input.file, progress)) {
      tick();
      if ('reason' in item) {
        await state.quarantine(input.file, item.line, item.reason);
        continue;
      }
      const out = readBatchOutput(item.value);
      if (typeof out === 'string') await state.quarantine(input.file, item.line, out);
      else outputs.set(out.customId, out);
    }
  }
  for (const input of inputs.filter((i) => i.role !== 'batch-output')) {
    for await (const item of readValues(input.file, progress)) {
      tick();
      if ('reason' in item) {
        await state.quarantine(input.file, item.line, item.reason);
        continue;
      }
      const parsed = readBatchInput(item.value);
      if (typeof parsed === 'string') {
        await state.quarantine(input.file, item.line, parsed);
        continue;
      }
      const output = outputs.get(parsed.customId) ?? null;
      outputs.delete(parsed.customId);
      const record = joinBatch(parsed, output, input.ctx);
      if (typeof record === 'string') await state.quarantine(input.file, item.line, record);
      else await state.add(record);
    }
  }
  for (const output of outputs.values()) {
    const record = joinBatch(null, output, ctx);
    if (typeof record !== 'string') await state.add(record);
  }
}

/**
 * Counters and the pending rows of one import. Rows arrive a chunk at a time (`take`) or a record
 * at a time (`add`); a batch is written once batchSize rows are pending, while the next is read.
 * At most WRITES_IN_FLIGHT batches are being written, so memory stays flat however fast the file
 * is read.
 */
class ImportState<Batch> {
  imported = 0;
  read = 0;
  notReplayable = 0;
  skipped = 0;
  redacted = 0;
  redactedKinds: Record<string, number> = dataRecord<number>();
  quarantinedCount = 0;
  quarantinedList: QuarantinedLine[] = [];
  private open: ValueRows<Batch>;
  private pending: Batch[] = [];
  private pendingRows = 0;
  private pendingNotReplayable = 0;
  private bad: QuarantinedLine[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;

  constructor(
    readonly db: Db,
    readonly importId: number,
    readonly maker: RowMaker<Batch>,
    private readonly batchSize: number,
    private readonly writer: TrafficWriter<Batch>,
  ) {
    this.open = emptyRows(writer);
  }

  /** One record (OpenAI Batch joins); when that fills a batch, the returned promise is its write. */
  add(record: NormalisedRecord, raw?: Buffer): Promise<void> | undefined {
    addRecord(this.open, this.maker, record, raw);
    if (this.open.rows < this.batchSize) return undefined;
    return this.take('', this.reopen());
  }

  /** A chunk's rows and bad lines; when that fills a batch, the returned promise is its write. */
  take(file: string, rows: ValueRows<Batch>): Promise<void> | undefined {
    this.read += rows.rows;
    this.skipped += rows.skipped;
    if (rows.redacted) {
      this.redacted += rows.redacted;
      for (const k in rows.redactedKinds) addTo(this.redactedKinds, k, rows.redactedKinds[k] as number);
    }
    for (const b of rows.bad) this.note(file, b.line, b.reason);
    if (rows.rows) {
      this.pending.push(rows.batch);
      this.pendingRows += rows.rows;
      this.pendingNotReplayable += rows.notReplayable;
    }
    return this.pendingRows >= this.batchSize || this.bad.length >= this.batchSize ? this.write() : undefined;
  }

  async quarantine(file: string, line: number, reason: string): Promise<void> {
    this.note(file, line, reason);
    if (this.bad.length >= this.batchSize) await this.write();
  }

  /** Wait for every write in flight, failed or not. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.inFlight);
  }

  async flush(): Promise<void> {
    this.take('', this.reopen());
    await this.write();
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
  }

  /** The record-at-a-time rows so far, replaced by an empty set. */
  private reopen(): ValueRows<Batch> {
    const rows = this.open;
    this.open = emptyRows(this.writer);
    return rows;
  }

  private note(file: string, line: number, raw: string): void {
    // A reason may quote the line (an id, a field): redacted before it is stored or printed, and
    // stripped of escape sequences, which a quoted field could carry to the terminal.
    const entry = { file, line, reason: sanitizeInline(redactString(raw)) };
    this.quarantinedCount++;
    if (this.quarantinedList.length < QUARANTINE_LIST_LIMIT) this.quarantinedList.push(entry);
    this.bad.push(entry);
  }

  /** Start writing the pending rows once fewer than WRITES_IN_FLIGHT writes are under way. */
  private async write(): Promise<void> {
    const batches = this.pending;
    const rows = this.pendingRows;
    const recordsNotReplayable = this.pendingNotReplayable;
    const bad = this.bad;
    this.pending = [];
    this.pendingRows = 0;
    this.pendingNotReplayable = 0;
    this.bad = [];
    while (this.inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    if (rows === 0 && bad.length === 0) return;
    const job = (async () => {
      if (rows) {
        const { inserted, notReplayable } = await this.writer.write(this.writer.concat(batches), recordsNotReplayable);
        this.imported += inserted;
        this.notReplayable += notReplayable;
      }
      if (bad.length) await insertQuarantine(this.db, this.importId, bad);
    })()
      // Kept, not thrown here: the reader loop sees it at its next write or at flush.
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }
}
