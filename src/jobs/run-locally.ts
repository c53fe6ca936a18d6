import type { Clock } from '../domain/rng.js';
import { createChatClient } from '../providers/index.js';
import { runInProcess } from '../queue/in-process-runner.js';
import type { Db } from '../store/db.js';
import { createJudgeDeps } from './judge-deps.js';
import { createProcessors } from './processors.js';

export interface RunLocallyOptions {
  env: Record<string, string | undefined>;
  clock: Clock;
  /** Chunks processed at once (default 4). */
  chunkConcurrency?: number;
  /** Provider calls in flight within a chunk (the processors' default when absent). */
  callConcurrency?: number;
  onChunk?: (finished: number, total: number) => void;
}

/**
 * Process a planned run in this process: the path `routelab run` takes without REDIS_URL and the
 * one the demo takes. The chat client (and a simulated fleet it may have started on loopback) is
 * closed when the run ends, whatever happens.
 */
export async function processRunLocally(db: Db, runId: string, chunks: number[], opts: RunLocallyOptions): Promise<void> {
  const chat = createChatClient({ env: opts.env, now: () => opts.clock.now() });
  try {
    const processors = createProcessors(db, {
      chat,
      clock: opts.clock,
      judge: createJudgeDeps(db, chat, opts.env.ROUTELAB_JUDGE_MODEL),
      // This run's chunks share their fetches: identical requests are asked once, whichever chunk is first.
      inflight: new Map(),
      ...(opts.callConcurrency !== undefined ? { concurrency: opts.callConcurrency } : {}),
    });
    await runInProcess(processors, runId, chunks, {
      concurrency: opts.chunkConcurrency ?? 4,
      ...(opts.onChunk ? { onChunk: opts.onChunk } : {}),
    });
  } finally {
    await chat.close();
  }
}
