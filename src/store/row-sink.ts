import type { TrafficRecord } from '../domain/traffic-record.js';

/** Where traffic rows are serialised as they are read: batches of bytes or strings, never record objects. */
export interface RowSink<Batch> {
  /** A new, empty batch. */
  batch(): Batch;
  add(batch: Batch, record: TrafficRecord): void;
}
