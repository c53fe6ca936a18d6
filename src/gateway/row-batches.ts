/**
 * Traffic rows (one redacted JSON string each) waiting for the store, written in batches: a full
 * batch as soon as there is one, the rest on a timer tick or a flush. One write at a time; rows
 * that arrive while it runs join its loop (whole batches) or the next tick. A write that fails
 * loses its rows, counted: the store being down never stops serving.
 */
export interface RowBatchesOptions {
  /** Inserts rows; resolves to how many were new. */
  write(rows: string[]): Promise<number>;
  batchSize: number;
  flushEveryMs: number;
  /** `written` new rows of `rows` written. */
  onWritten(written: number, rows: number): void;
  onFailed(n: number): void;
}

export interface RowBatches {
  add(rows: readonly string[]): void;
  /** Writes everything added so far. */
  flush(): Promise<void>;
  /** Flush, and no more timer. */
  close(): Promise<void>;
  buffered(): number;
}

export function createRowBatches(opts: RowBatchesOptions): RowBatches {
  let buffer: string[] = [];
  let writing: Promise<void> = Promise.resolve();

  // `all`: write everything buffered (the timer, flush, close). Otherwise only full batches: a write
  // that ends while rows keep coming used to go straight on with the handful added meanwhile, so
  // under load many statements carried a few records (one Postgres round trip, bind and insert
  // each) instead of a batch.
  const writeOnce = async (all: boolean): Promise<void> => {
    while (buffer.length >= (all ? 1 : opts.batchSize)) {
      const take = buffer.length <= opts.batchSize ? buffer : buffer.slice(0, opts.batchSize);
      buffer = take === buffer ? [] : buffer.slice(take.length);
      try {
        opts.onWritten(await opts.write(take), take.length);
      } catch {
        opts.onFailed(take.length);
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
    if (buffer.length > 0) void write(true);
  }, opts.flushEveryMs);
  timer.unref();

  return {
    add: (rows) => {
      for (const r of rows) buffer.push(r);
      if (buffer.length >= opts.batchSize) void write(false);
    },
    flush: () => write(true),
    close: () => {
      clearInterval(timer);
      return write(true);
    },
    buffered: () => buffer.length,
  };
}
