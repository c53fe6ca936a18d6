import { randomFillSync } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Store } from '../store/db.js';
import { createImport, finishImport } from '../store/repos/traffic-import-repo.js';
import { jsonTrafficWriter } from '../store/repos/traffic-repo.js';
import { createRedactor, type UserPattern } from '../redact/redact-text.js';
import { createRowBatches, type RowBatches } from './row-batches.js';
import { packExchange, type ServedExchange } from './served-record.js';
import type { FromWorker, ToWorker, TrafficLogWorkerData } from './traffic-log-protocol.js';

/**
 * Served requests back into the store as traffic records, in the shape imports produce, through
 * the same redactor (every string of request, metadata and response). Off the request path: `log`
 * is called once the client has its answer and only packs a few values (the body string it already
 * has, the answer, scalars) into a list that goes to a worker thread many at a time; the worker
 * builds, redacts and serialises the records and writes them (Postgres, over its own connection)
 * or sends the rows back for this thread to write (the embedded store, which lives in this thread).
 * Bounded: past `maxBuffer` records not yet stored, a record is dropped and counted, never waited
 * for. `close` writes everything handed over. All records of one gateway process belong to one
 * `traffic_imports` row (format `gateway`).
 */
export interface TrafficLogOptions {
  store: Store;
  /** Shown as the import's file in `traffic imports`. */
  source: string;
  redactPatterns?: UserPattern[];
  maxBuffer?: number;
  batchSize?: number;
  flushEveryMs?: number;
  onWritten?: (n: number) => void;
  onDropped?: (n: number) => void;
  /** The worker stopped before `close` (what it held, and everything logged after, is dropped). */
  onError?: (e: Error) => void;
}

export interface TrafficLog {
  /** Queue a record; false when the buffer was full (or the log closed) and it was dropped. */
  log(exchange: ServedExchange): boolean;
  /** Write whatever has been logged so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
  stats(): { written: number; dropped: number; buffered: number };
}

/**
 * Exchanges per message to the worker; fewer wait at most HANDOVER_MS. A message has a fixed cost
 * (a wake-up of the worker, a system call) worth several exchanges' cloning, so it carries many.
 * 200 ms, the worker's own write cadence: at 1,000 req/s a 20 ms timer woke the worker 50 times a
 * second with ~20 records each, and those wake-ups cost the process ~45 µs a request (see
 * HOW-IT-WORKS.md). Records reach the store within about 0.4 s; flush and close hand over at once.
 */
const HANDOVER = 128;
const HANDOVER_MS = 200;

export async function createTrafficLog(opts: TrafficLogOptions): Promise<TrafficLog> {
  const patterns = opts.redactPatterns ?? [];
  createRedactor(patterns); // a bad pattern fails the start here, not in the worker
  const importId = await createImport(opts.store.db, [opts.source], 'gateway');
  const maxBuffer = opts.maxBuffer ?? 10_000;
  const batchSize = opts.batchSize ?? 500;
  const flushEveryMs = opts.flushEveryMs ?? 200;
  const counts = { written: 0, dropped: 0, redacted: 0 };
  const written = (n: number) => {
    counts.written += n;
    if (n > 0) opts.onWritten?.(n);
  };
  const dropped = (n: number) => {
    counts.dropped += n;
    if (n > 0) opts.onDropped?.(n);
  };
  // The embedded store: the worker's rows are written here.
  const local: RowBatches<string> | null =
    opts.store.url === undefined
      ? createRowBatches({
          sink: { batch: (): string[] => [], add: (batch, row: string) => void batch.push(row) },
          write: async (rows) => (await jsonTrafficWriter(opts.store.db, importId).write(rows, 0)).inserted,
          batchSize,
          flushEveryMs,
          onWritten: (n) => written(n),
          onFailed: (n) => dropped(n),
        })
      : null;
  const worker = startWorker({ importId, redactPatterns: patterns, url: opts.store.url ?? null, batchSize, flushEveryMs });

  let packed: unknown[] = [];
  let pending = 0; // exchanges in `packed`
  let outstanding = 0; // handed to the worker, not settled yet
  let handover: NodeJS.Timeout | null = null;
  let dead = false;
  let closed = false;
  let seq = 0;
  const flushes = new Map<number, () => void>();
  let onClosed: (() => void) | null = null;

  const post = (m: ToWorker) => worker.postMessage(m);
  const handOver = () => {
    if (handover) clearTimeout(handover);
    handover = null;
    if (pending === 0) return;
    post({ kind: 'exchanges', packed });
    outstanding += pending;
    packed = [];
    pending = 0;
  };
  const settle = (n: number) => (outstanding = Math.max(0, outstanding - n));
  worker.on('message', (m: FromWorker) => {
    switch (m.kind) {
      case 'progress':
        settle(m.settled);
        written(m.written);
        dropped(m.dropped);
        counts.redacted += m.redacted;
        return;
      case 'rows':
        settle(m.rows.length + m.dropped);
        dropped(m.dropped);
        counts.redacted += m.redacted;
        for (const row of m.rows) local?.add(row);
        return;
      case 'flushed':
        flushes.get(m.seq)?.();
        return void flushes.delete(m.seq);
      case 'closed':
        return onClosed?.();
    }
  });
  // A worker that stops on its own takes what it holds with it: counted as dropped, and so is
  // everything logged after (serving goes on).
  const lost = (why: Error | number) => {
    if (dead) return;
    dead = true;
    if (!closed) opts.onError?.(why instanceof Error ? why : new Error(`the traffic log worker stopped (exit code ${why})`));
    dropped(outstanding + pending);
    outstanding = 0;
    pending = 0;
    packed = [];
    for (const done of flushes.values()) done();
    flushes.clear();
    onClosed?.();
  };
  worker.on('error', lost);
  worker.on('exit', lost);

  const flushWorker = (): Promise<void> => {
    if (dead) return Promise.resolve();
    handOver();
    const n = ++seq;
    return new Promise<void>((resolve) => {
      flushes.set(n, resolve);
      post({ kind: 'flush', seq: n });
    });
  };

  return {
    log: (exchange) => {
      if (dead || closed || pending + outstanding + (local?.buffered() ?? 0) >= maxBuffer) {
        dropped(1);
        return false;
      }
      packExchange(packed, exchange);
      if (++pending >= HANDOVER) handOver();
      else if (!handover) handover = setTimeout(handOver, HANDOVER_MS).unref();
      return true;
    },
    flush: async () => {
      await flushWorker();
      await local?.flush();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      worker.ref(); // until the worker has written what it holds
      if (!dead) {
        handOver();
        await new Promise<void>((resolve) => {
          onClosed = resolve;
          post({ kind: 'close' });
        });
      }
      await local?.close();
      await worker.terminate();
      await finishImport(opts.store.db, importId, {
        imported: counts.written,
        duplicates: 0,
        quarantined: 0,
        redacted: counts.redacted,
        notReplayable: 0,
      }).catch(() => {});
    },
    stats: () => ({ written: counts.written, dropped: counts.dropped, buffered: pending + outstanding + (local?.buffered() ?? 0) }),
  };
}

/** The worker thread, loaded from the sources (tsx) or the build alike; it does not keep the process alive. */
function startWorker(data: Omit<TrafficLogWorkerData, 'module'>): Worker {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const workerData: TrafficLogWorkerData = { ...data, module: new URL(`./traffic-log-worker.${ext}`, import.meta.url).href };
  const worker = new Worker(new URL('./thread-boot.mjs', import.meta.url), { workerData });
  worker.unref();
  return worker;
}

const ID_POOL = Buffer.alloc(16 * 256);
let idOffset = ID_POOL.length;

/**
 * A served request's id, shaped as import ids are (`t_` and 32 hex digits): 128 random bits, so it
 * says nothing about the request. Hashing it as well cost 3 µs a request for nothing.
 */
export function servedRecordId(): string {
  // 16 random bytes from a pool refilled 256 ids at a time, as randomUUID does, without its dashes to strip.
  if (idOffset === ID_POOL.length) {
    randomFillSync(ID_POOL);
    idOffset = 0;
  }
  idOffset += 16;
  return `t_${ID_POOL.toString('hex', idOffset - 16, idOffset)}`;
}
