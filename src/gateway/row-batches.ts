import type { RowSink } from '../store/row-sink.js';

/**
 * Traffic rows waiting for the store, put into batches as they arrive (`sink.add`: serialised or
 * encoded there and then, so that what waits is bytes or strings) and written a batch at a time: a
 * full batch as soon as there is one, the rest on a timer tick or a flush. One write at a time; rows
 * that arrive while it runs fill the next batch. A write that fails loses its rows, counted: the
 * store being down never stops serving.
 */
export interface RowBatchesOptions<Row, Batch> {
  sink: Pick<RowSink<Batch>, 'batch'> & { add(batch: Batch, row: Row): void };
  /** Inserts a batch of `rows` rows; resolves to how many were new. */
  write(batch: Batch, rows: number): Promise<number>;
  batchSize: number;
  flushEveryMs: number;
  /** `written` new rows of `rows` written. */
  onWritten(written: number, rows: number): void;
  onFailed(n: number): void;
}

export interface RowBatches<Row> {
  /** Adds one row; throws (and holds nothing of it) when the sink cannot take it. */
  add(row: Row): void;
  /** Writes everything added so far. */
  flush(): Promise<void>;
  /** Flush, and no more timer. */
  close(): Promise<void>;
  buffered(): number;
}

export function createRowBatches<Row, Batch>(opts: RowBatchesOptions<Row, Batch>): RowBatches<Row> {
  const full: Batch[] = []; // each of batchSize rows
  let current: Batch | null = null;
  let currentRows = 0;
  let writing: Promise<void> = Promise.resolve();

  const take = (): { batch: Batch; rows: number } | null => {
    if (full.length > 0) return { batch: full.shift() as Batch, rows: opts.batchSize };
    if (current === null || currentRows === 0) return null;
    const batch = { batch: current, rows: currentRows };
    current = null;
    currentRows = 0;
    return batch;
  };
  // `all`: write everything buffered (the timer, flush, close). Otherwise only full batches: a write
  // that ends while rows keep coming used to go straight on with the handful added meanwhile, so
  // under load many statements carried a few records (one Postgres round trip each) instead of a batch.
  const writeOnce = async (all: boolean): Promise<void> => {
    for (;;) {
      const next = all || full.length > 0 ? take() : null;
      if (next === null) return;
      try {
        opts.onWritten(await opts.write(next.batch, next.rows), next.rows);
      } catch {
        opts.onFailed(next.rows);
      }
    }
  };
  let queued: boolean | null = null;
  const write = (all: boolean) => {
    if (queued === null) {
      queued = all;
      writing = writing.then(() => {
        const everything = queued === true;
        queued = null;
        return writeOnce(everything);
      });
    } else if (all) queued = true;
    return writing;
  };
  const timer = setInterval(() => {
    if (full.length > 0 || currentRows > 0) void write(true);
  }, opts.flushEveryMs);
  timer.unref();

  return {
    add: (row) => {
      current ??= opts.sink.batch();
      opts.sink.add(current, row);
      if (++currentRows < opts.batchSize) return;
      full.push(current);
      current = null;
      currentRows = 0;
      void write(false);
    },
    flush: () => write(true),
    close: () => {
      clearInterval(timer);
      return write(true);
    },
    buffered: () => full.length * opts.batchSize + currentRows,
  };
}
