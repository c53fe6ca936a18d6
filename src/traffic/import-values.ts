// The value formats' import loop: chunks of a file to rows, on worker threads when they have room, applied in file order.
import type { FileInput } from './describe-file.js';
import type { ImportState } from './import-state.js';
import { READERS, type ValueFormat } from './readers/by-format.js';
import { readRawBatches, type SourceProgress } from './readers/line-source.js';
import type { RowsOffload } from './fast-path/rows-pool.js';
import { valuesToRows, type ValueRows } from './value-rows.js';

/** Chunks read ahead of the one whose rows are applied next (bounds memory while a worker is slow). */
const CHUNKS_AHEAD = 6;
/**
 * Every value of every file, a chunk of the file (about 1 MB) at a time: one asynchronous step per
 * chunk, and a write awaited only when a batch is full. With `offload`, chunks go to worker threads
 * while they have room and are done here otherwise; their rows are applied in file order.
 */
export async function importValues<Batch>(
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

export function pending<Batch>(file: string, done: Promise<ValueRows<Batch>>): ChunkRows<Batch> {
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
