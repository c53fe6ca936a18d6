/**
 * What the traffic log's main side (traffic-log.ts) and its worker thread (traffic-log-worker.ts)
 * say to each other. Exchanges travel packed (served-record.ts), many to a message.
 */
import type { UserPattern } from '../redact/redact-text.js';

export interface TrafficLogWorkerData {
  /** The module the boot script loads (traffic-log-worker.ts, or .js once built). */
  module: string;
  importId: number;
  redactPatterns: UserPattern[];
  /** Postgres: the worker writes over a connection of its own. null (PGlite, in-process): rows come back. */
  url: string | null;
  batchSize: number;
  flushEveryMs: number;
}

export type ToWorker = { kind: 'exchanges'; packed: unknown[] } | { kind: 'flush'; seq: number } | { kind: 'close' };

/**
 * `settled`: records the worker is done with (written, already stored, or lost), so the main side
 * knows how many are still in its hands; `written` of them are new rows; `dropped` were lost (a
 * record that could not be built, a failed write); `redacted`: spans replaced.
 */
export type FromWorker =
  | { kind: 'progress'; settled: number; written: number; dropped: number; redacted: number }
  /** PGlite: rows for the main thread to write, redacted and serialised. */
  | { kind: 'rows'; rows: string[]; dropped: number; redacted: number }
  | { kind: 'flushed'; seq: number }
  | { kind: 'closed' };
