import { JOB_ATTEMPTS, TRANSIENT_WINDOW_MS, transientDelayMs, type Processors } from './processor-port.js';

export interface InProcessOptions {
  /** Chunk jobs running at once (default 4). */
  concurrency?: number;
  /** Attempts per job, as BullMQ would give it (default JOB_ATTEMPTS). */
  attempts?: number;
  /** Called after each chunk finishes or fails for good. */
  onChunk?: (finished: number, total: number) => void;
}

/**
 * The embedded runner: the same processors BullMQ workers run, called directly with bounded
 * concurrency and the same semantics — each chunk gets `attempts` tries, a chunk that still fails
 * becomes recorded failures, and the aggregate runs once every chunk has finished either way.
 */
export async function runInProcess(
  processors: Processors,
  runId: string,
  chunks: readonly number[],
  options: InProcessOptions = {},
): Promise<void> {
  const attempts = Math.max(1, options.attempts ?? JOB_ATTEMPTS);
  const queue = [...chunks];
  let finished = 0;
  const lane = async () => {
    for (let chunk = queue.shift(); chunk !== undefined; chunk = queue.shift()) {
      const payload = { run_id: runId, chunk };
      const failure = await withAttempts(attempts, processors, () => processors.chunk(payload));
      if (failure !== undefined) await processors.chunkFailed(payload, failure);
      options.onChunk?.(++finished, chunks.length);
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? 4, chunks.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  const failure = await withAttempts(attempts, processors, () => processors.aggregate({ run_id: runId }));
  if (failure !== undefined) await processors.runFailed({ run_id: runId }, failure);
}

/**
 * Undefined on success, else the last error's message. A transient fault (the database connection
 * lost) waits and tries again without using up an attempt, as the BullMQ runner does.
 */
async function withAttempts(attempts: number, processors: Processors, fn: () => Promise<void>): Promise<string | undefined> {
  let last = 'failed';
  let transient = 0;
  const start = Date.now();
  for (let i = 0; i < attempts;) {
    try {
      await fn();
      return undefined;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
      if (processors.isTransient?.(e) && Date.now() - start < TRANSIENT_WINDOW_MS) {
        await new Promise((r) => setTimeout(r, transientDelayMs(transient++)));
        continue;
      }
      transient = 0;
      i++;
    }
  }
  return last;
}
