import type { Worker } from 'bullmq';
import { waitForRun } from '../../../src/jobs/wait-for-run.js';
import { enqueueRun, startWorker } from '../../../src/queue/bullmq-runner.js';
import { DEFAULT_QUEUE, type QueueConfig } from '../../../src/queue/connection.js';
import { runInProcess } from '../../../src/queue/in-process-runner.js';
import type { Processors } from '../../../src/queue/processor-port.js';
import type { Db } from '../../../src/store/db.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../../helpers/redis.js';
import { HANG_MS } from '../../helpers/waits.js';

export const RUNNER_KINDS = ['in-process', 'bullmq'] as const;
export type RunnerKind = (typeof RUNNER_KINDS)[number];

/** Executes a planned run to the end, the way `routelab run` would with or without REDIS_URL. */
export interface TestRunner {
  execute(runId: string, chunks: readonly number[]): Promise<void>;
  close(): Promise<void>;
}

export function createTestRunner(kind: RunnerKind, db: Db, processors: Processors): TestRunner {
  if (kind === 'in-process')
    return { execute: (runId, chunks) => runInProcess(processors, runId, chunks, { concurrency: 2 }), close: async () => {} };
  // Two workers on real Redis under a prefix of this test's own; removed afterwards.
  const config: QueueConfig = { url: REDIS_URL, prefix: testPrefix(), queueName: DEFAULT_QUEUE };
  const workers: Worker[] = [startWorker(config, processors, { concurrency: 2 }), startWorker(config, processors, { concurrency: 2 })];
  return {
    execute: async (runId, chunks) => {
      await enqueueRun(config, runId, chunks);
      await waitForRun(db, runId, { pollMs: 50, timeoutMs: HANG_MS });
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
      await dropPrefix(config.prefix);
    },
  };
}
