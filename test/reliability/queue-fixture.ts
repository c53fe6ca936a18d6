import type { Worker } from 'bullmq';
import { createProcessors } from '../../src/jobs/processors.js';
import { createChatClient, type ChatClient } from '../../src/providers/index.js';
import { startWorker } from '../../src/queue/bullmq-runner.js';
import type { QueueConfig } from '../../src/queue/connection.js';
import type { Db } from '../../src/store/db.js';
import { CANARY, CANARY_ENV } from './run-fixture.js';

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

export function inProcessWorker(db: Db, queue: QueueConfig, options: { concurrency?: number; lockDurationMs?: number; deadlineMs?: number; env?: Record<string, string> } = {}): InProcessWorker {
  const chat = createChatClient({ env: options.env ?? { [CANARY_ENV]: CANARY } });
  const processors = createProcessors(db, { chat, clock: { now: () => Date.now() }, ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}) });
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
