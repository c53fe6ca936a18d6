import { JOB_ATTEMPTS, type Processors } from './processors.js';

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
export async function runInProcess(processors: Processors, runId: string, chunks: readonly number[], options: InProcessOptions = {}): Promise<void> {
  const attempts = Math.max(1, options.attempts ?? JOB_ATTEMPTS);
  const queue = [...chunks];
  let finished = 0;
  const lane = async () => {
    for (let chunk = queue.shift(); chunk !== undefined; chunk = queue.shift()) {
      const payload = { run_id: runId, chunk };
      const failure = await withAttempts(attempts, () => processors.chunk(payload));
      if (failure !== undefined) await processors.chunkFailed(payload, failure);
      options.onChunk?.(++finished, chunks.length);
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? 4, chunks.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  const failure = await withAttempts(attempts, () => processors.aggregate({ run_id: runId }));
  if (failure !== undefined) await processors.runFailed({ run_id: runId }, failure);
}

/** Undefined on success, else the last error's message. */
async function withAttempts(attempts: number, fn: () => Promise<void>): Promise<string | undefined> {
  let last = 'failed';
  for (let i = 0; i < attempts; i++) {
    try {
      await fn();
      return undefined;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
  }
  return last;
}
