import { Worker } from 'node:worker_threads';
import { CopyRows } from './copy-rows.js';
import type { RawItem } from '../readers/line-source.js';
import type { ReaderContext } from '../readers/reader.js';
import { packItems, READY, type RowsJob, type RowsReply, type RowsWorkerData } from './rows-protocol.js';
import type { ValueRows } from '../value-rows.js';

/** Where the import can hand a chunk of values to be turned into rows off the main thread. */
export interface RowsOffload<Batch> {
  /** Whether a worker is ready for another chunk now (else the main thread does it itself). */
  hasRoom(): boolean;
  run(items: readonly RawItem[], ctx: ReaderContext): Promise<ValueRows<Batch>>;
}

/**
 * A small young generation: a chunk's garbage dies young either way, and the default one let a
 * 1M-line import peak near 285 MB instead of about 255 MB, for the same CPU time.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

/** Chunks a worker holds at once: one in hand and one waiting, so it never idles between them. */
const JOBS_PER_WORKER = 2;

interface Pending {
  resolve(rows: ValueRows<CopyRows>): void;
  reject(e: Error): void;
}

class RowsThread {
  ready = false;
  readonly pending = new Map<number, Pending>();
  /** Settles when the thread takes jobs, or has failed before it could. */
  readonly started: Promise<void>;
  private onStarted: (e?: Error) => void = () => {};

  constructor(readonly worker: Worker) {
    this.started = new Promise((resolve, reject) => {
      this.onStarted = (e) => (e ? reject(e) : resolve());
    });
    this.started.catch(() => {});
    worker.on('message', (m: RowsReply | typeof READY) => {
      if (m === READY) {
        this.ready = true;
        this.onStarted();
        return;
      }
      const job = this.pending.get(m.seq);
      this.pending.delete(m.seq);
      if (!job) return;
      if (!m.ok) return job.reject(new Error(`import worker failed: ${m.error}`));
      const { seq: _seq, ok: _ok, chunks, ...counts } = m;
      const buffers = chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength));
      job.resolve({ ...counts, batch: CopyRows.of(buffers, counts.rows) });
    });
    const fail = (e: Error) => {
      this.ready = false;
      this.onStarted(e);
      for (const job of this.pending.values()) job.reject(e);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`import worker stopped (exit code ${code})`)));
  }
}

/**
 * Worker threads that turn chunks of values into binary COPY rows, as `valuesToRows` does on the
 * main thread, while the main thread reads the file, does chunks itself when every worker is busy,
 * and streams the rows to Postgres. Results come back as promises; the caller applies them in file
 * order. Threads start in the background: until one has loaded its modules, it takes nothing.
 */
export class RowsPool implements RowsOffload<CopyRows> {
  private seq = 0;
  private readonly threads: RowsThread[];

  constructor(size: number, data: Omit<RowsWorkerData, 'module'>) {
    const workerData: RowsWorkerData = {
      ...data,
      module: new URL(`./rows-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url).href,
    }; // .js once built
    this.threads = Array.from(
      { length: size },
      () => new RowsThread(new Worker(new URL('./thread-boot.mjs', import.meta.url), { workerData, resourceLimits: WORKER_LIMITS })),
    );
  }

  /** Every thread has started (rejects if one could not). */
  async started(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.started));
  }

  hasRoom(): boolean {
    return this.threads.some((t) => t.ready && t.pending.size < JOBS_PER_WORKER);
  }

  run(items: readonly RawItem[], ctx: ReaderContext): Promise<ValueRows<CopyRows>> {
    const thread = this.threads.filter((t) => t.ready).sort((a, b) => a.pending.size - b.pending.size)[0];
    if (!thread) return Promise.reject(new Error('no import worker is ready'));
    const job: RowsJob = packItems(this.seq++, ctx, items);
    return new Promise((resolve, reject) => {
      thread.pending.set(job.seq, { resolve, reject });
      thread.worker.postMessage(job, [job.bytes.buffer as ArrayBuffer, job.index.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
