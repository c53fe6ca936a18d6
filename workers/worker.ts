/**
 * `routelab worker`: a BullMQ worker running the run processors. Thin on purpose: open the store and
 * the provider client, hand the processors to the queue, close everything on SIGTERM/SIGINT (the
 * job in hand finishes; a job cut short by SIGKILL is redelivered and its writes are idempotent).
 */
import { pathToFileURL } from 'node:url';
import { terminalText } from '../src/cli/output.js';
import { InputError } from '../src/domain/errors.js';
import { createJudgeDeps } from '../src/jobs/judge-deps.js';
import { createProcessors } from '../src/jobs/processors.js';
import { createChatClient } from '../src/providers/index.js';
import { queueConfigFromEnv, type QueueConfig } from '../src/queue/connection.js';
import { startWorker } from '../src/queue/bullmq-runner.js';
import { openStore, storeOptionsFromEnv } from '../src/store/db.js';

export interface RunningWorker {
  close(): Promise<void>;
}

export interface WorkerStartOptions {
  env: NodeJS.ProcessEnv;
  concurrency?: number;
  log?: (line: string) => void;
  /** Overrides the queue named by REDIS_URL / ROUTELAB_QUEUE_PREFIX. */
  queue?: QueueConfig;
}

/** Workers on other machines share one Postgres: the embedded PGlite store cannot be shared. */
export function requireSharedStores(env: NodeJS.ProcessEnv): QueueConfig {
  const queue = queueConfigFromEnv(env);
  if (!queue) throw new InputError('REDIS_URL is not set: a worker takes its jobs from Redis (without it `routelab run` works in-process)');
  if (!env.DATABASE_URL) {
    throw new InputError('DATABASE_URL is not set: with REDIS_URL, workers in other processes must share a PostgreSQL store (the embedded PGlite store belongs to one process)');
  }
  return queue;
}

export async function startRoutelabWorker(options: WorkerStartOptions): Promise<RunningWorker> {
  const queue = options.queue ?? requireSharedStores(options.env);
  const log = options.log ?? (() => {});
  const store = await openStore(storeOptionsFromEnv(options.env));
  const chat = createChatClient({ env: options.env });
  const processors = createProcessors(store.db, {
    chat,
    clock: { now: () => Date.now() },
    judge: createJudgeDeps(store.db, chat, options.env.ROUTELAB_JUDGE_MODEL),
  });
  const lock = Number(options.env.ROUTELAB_WORKER_LOCK_MS);
  const worker = startWorker(queue, processors, {
    concurrency: options.concurrency ?? 2,
    ...(Number.isFinite(lock) && lock > 0 ? { lockDurationMs: lock } : {}),
    onError: (e) => log(`worker error: ${e.message}`),
  });
  worker.on('completed', (job) => log(`done ${job.name} ${job.id}`));
  worker.on('failed', (job, e) => log(`failed ${job?.name ?? '?'} ${job?.id ?? '?'} (attempt ${job?.attemptsMade ?? '?'}): ${e.message}`));
  await worker.waitUntilReady();
  log(`worker ready on queue ${queue.queueName} (concurrency ${options.concurrency ?? 2})`);
  let closing: Promise<void> | undefined;
  return {
    close: () =>
      (closing ??= (async () => {
        await worker.close();
        await chat.close();
        await store.close();
      })()),
  };
}

/** Resolve once SIGTERM or SIGINT arrives, then close the worker. */
export async function runUntilSignalled(worker: RunningWorker, log: (line: string) => void = () => {}): Promise<void> {
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log(`${signal}: finishing the job in hand, then closing`);
  await worker.close();
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--concurrency');
  const concurrency = i >= 0 ? Number(process.argv[i + 1]) : undefined;
  // Log lines may quote an endpoint's error or a job's failure: redacted and sanitised like the CLI's.
  const log = (line: string) => process.stderr.write(`${terminalText(line)}\n`);
  const worker = await startRoutelabWorker({ env: process.env, ...(concurrency ? { concurrency } : {}), log });
  await runUntilSignalled(worker, log);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`error: ${terminalText(e instanceof Error ? e.message : String(e))}\n`);
      process.exit(e instanceof InputError ? 2 : 1);
    },
  );
}
