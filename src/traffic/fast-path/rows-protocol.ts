/**
 * What the import's main thread and its worker threads say to each other (rows-pool.ts,
 * rows-worker.ts). A chunk's values travel as one byte array and an index, not as a list of
 * buffers: one copy, one transfer, no per-line message overhead.
 */
import type { UserPattern } from '../../redact/redact-text.js';
import type { RawItem } from '../readers/line-source.js';
import type { ValueFormat } from '../readers/by-format.js';
import type { ReaderContext } from '../readers/reader.js';
import type { ValueRows } from '../value-rows.js';

export interface RowsWorkerData {
  /** The module the boot script loads (rows-worker.ts). */
  module: string;
  format: ValueFormat;
  redactPatterns: UserPattern[];
  importId: number;
}

export interface RowsJob {
  seq: number;
  ctx: ReaderContext;
  /** The values' bytes, end to end. */
  bytes: Uint8Array;
  /** Three numbers a value: line, start and end in `bytes`; start is -1 for a value dropped unread (its reason is the next of `problems`). */
  index: Int32Array;
  problems: string[];
}

type Counts = Omit<ValueRows<unknown>, 'batch'>;
export type RowsReply = ({ seq: number; ok: true; chunks: Uint8Array[] } & Counts) | { seq: number; ok: false; error: string };
/** Sent once, when the worker has loaded its modules and takes jobs. */
export const READY = 'ready';

const DROPPED = -1;

export function packItems(seq: number, ctx: ReaderContext, items: readonly RawItem[]): RowsJob {
  let size = 0;
  for (const item of items) if (item.buf) size += item.buf.length;
  const bytes = Buffer.allocUnsafeSlow(size);
  const index = new Int32Array(items.length * 3);
  const problems: string[] = [];
  let at = 0;
  items.forEach((item, i) => {
    index[i * 3] = item.line;
    if (item.problem !== undefined || !item.buf) {
      index[i * 3 + 1] = DROPPED;
      problems.push(item.problem ?? 'unreadable');
      return;
    }
    index[i * 3 + 1] = at;
    at += item.buf.copy(bytes, at);
    index[i * 3 + 2] = at;
  });
  return { seq, ctx, bytes, index, problems };
}

export function unpackItems(job: RowsJob): RawItem[] {
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  const items: RawItem[] = [];
  let problem = 0;
  for (let i = 0; i < job.index.length; i += 3) {
    const line = job.index[i] as number;
    const start = job.index[i + 1] as number;
    items.push(
      start === DROPPED
        ? { line, buf: null, problem: job.problems[problem++] as string }
        : { line, buf: bytes.subarray(start, job.index[i + 2]) },
    );
  }
  return items;
}
