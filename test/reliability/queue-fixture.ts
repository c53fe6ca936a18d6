import type { Worker } from 'bullmq';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { createProcessors } from '../../src/jobs/processors.js';
import { waitForRun } from '../../src/jobs/wait-for-run.js';
import { createChatClient, type ChatClient } from '../../src/providers/index.js';
import { enqueueRun, startWorker } from '../../src/queue/bullmq-runner.js';
import { DEFAULT_QUEUE, type QueueConfig } from '../../src/queue/connection.js';
import type { Db, Store } from '../../src/store/db.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';
import { assertExactlyOnce } from './checker.js';
import type { cleanupList } from './harness.js';
import { CANARY, CANARY_ENV, type SeededRun } from './run-fixture.js';
import { HANG_MS } from '../helpers/waits.js';

/**
 * A BullMQ worker inside the test process (the same processors and runner `routelab worker` wires),
 * for the scenarios where only the other worker has to be a real process that can be killed.
 */
export interface InProcessWorker {
  worker: Worker;
  chat: ChatClient;
  log: string[];
  close(): Promise<void>;
}

export function inProcessWorker(
  db: Db,
  queue: QueueConfig,
  options: { concurrency?: number; lockDurationMs?: number; deadlineMs?: number; env?: Record<string, string> } = {},
): InProcessWorker {
  const chat = createChatClient({ env: options.env ?? { [CANARY_ENV]: CANARY } });
  const processors = createProcessors(db, {
    chat,
    clock: { now: () => Date.now() },
    ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
  });
  const log: string[] = [];
  const worker = startWorker(queue, processors, {
    concurrency: options.concurrency ?? 2,
    lockDurationMs: options.lockDurationMs ?? 1500,
    onError: (e) => log.push(`worker error: ${e.message}`),
  });
  worker.on('failed', (job, e) => log.push(`failed ${job?.name ?? '?'} ${job?.id ?? '?'}: ${e.message}`));
  worker.on('completed', (job) => log.push(`done ${job.name} ${job.id ?? '?'}`));
  let closing: Promise<void> | undefined;
  return {
    worker,
    chat,
    log,
    close: () =>
      (closing ??= (async () => {
        await worker.close();
        await chat.close();
      })()),
  };
}

/**
 * A seeded run queued under a fresh Redis prefix and processed by an in-process worker (1.5 s call
 * deadline, `env` its environment when given): waits for the run, then checks it completed with
 * `outcomeRows` outcomes, each exactly once. The prefix and the worker are left to `cleanups`.
 */
export async function runOnQueue(
  store: Store,
  seeded: SeededRun,
  cleanups: ReturnType<typeof cleanupList>,
  outcomeRows: number,
  env?: Record<string, string>,
): Promise<{ queue: QueueConfig; worker: InProcessWorker }> {
  const queue: QueueConfig = { url: REDIS_URL, prefix: testPrefix(), queueName: DEFAULT_QUEUE };
  cleanups.add(() => dropPrefix(queue.prefix));
  const worker = inProcessWorker(store.db, queue, { deadlineMs: 1500, ...(env ? { env } : {}) });
  cleanups.add(() => worker.close());
  await enqueueRun(queue, seeded.runId, seeded.chunks);
  await waitForRun(store.db, seeded.runId, { pollMs: 50, timeoutMs: HANG_MS });

  const [run] = await store.rows<{ status: string; error: string | null }>(sql`select status, error from runs where id = ${seeded.runId}`);
  expect(run).toEqual({ status: 'completed', error: null });
  const check = await assertExactlyOnce(store, seeded.runId);
  expect(check.outcomeRows).toBe(outcomeRows);
  return { queue, worker };
}
