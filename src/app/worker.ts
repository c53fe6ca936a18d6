import { Redis } from 'ioredis';
import { InputError } from '../domain/errors.js';
import { createJudgeDeps } from '../jobs/judge-deps.js';
import { createProcessors } from '../jobs/processors.js';
import { createRedisRateLimiter } from '../jobs/rate-limiter.js';
import { createChatClient } from '../providers/index.js';
import { queueConfigFromEnv, type QueueConfig } from '../queue/connection.js';
import { startWorker } from '../queue/bullmq-runner.js';
import { openStore, storeOptionsFromEnv } from '../store/db.js';
import { reapStalledRuns } from '../store/repos/run-repo.js';
import { DEFAULT_STALL_MS } from '../jobs/wait-for-run.js';

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
    throw new InputError(
      'DATABASE_URL is not set: with REDIS_URL, workers in other processes must share a PostgreSQL store (the embedded PGlite store belongs to one process)',
    );
  }
  return queue;
}

export async function startRoutelabWorker(options: WorkerStartOptions): Promise<RunningWorker> {
  const queue = options.queue ?? requireSharedStores(options.env);
  const log = options.log ?? (() => {});
  const store = await openStore(storeOptionsFromEnv(options.env));
  const chat = createChatClient({ env: options.env });
  // rpm/tpm are shared by every worker on the queue's Redis prefix, not counted per process.
  const rateRedis = new Redis(queue.url, { lazyConnect: true });
  rateRedis.on('error', (e: Error) => log(`rate limiter redis: ${e.message}`));
  const processors = createProcessors(store.db, {
    chat,
    rate: createRedisRateLimiter(rateRedis, queue.prefix),
    clock: { now: () => Date.now() },
    env: options.env,
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
  // The stall detector also runs here: when the producer that waits on a run is gone (--detach, a
  // killed terminal), any live worker fails a run nobody has made progress on.
  const stallSecs = Number(options.env.ROUTELAB_STALL_SECONDS);
  const stallMs = Number.isFinite(stallSecs) && stallSecs > 0 ? stallSecs * 1000 : DEFAULT_STALL_MS;
  const reaper = setInterval(
    () => {
      reapStalledRuns(store.db, stallMs).then(
        (ids) => ids.forEach((id) => log(`run ${id} failed: no progress for ${stallMs / 1000} s`)),
        (e: unknown) => log(`stall check: ${e instanceof Error ? e.message : String(e)}`),
      );
    },
    Math.min(60_000, Math.max(250, stallMs / 4)),
  );
  reaper.unref();
  log(`worker ready on queue ${queue.queueName} (concurrency ${options.concurrency ?? 2})`);
  let closing: Promise<void> | undefined;
  return {
    close: () =>
      (closing ??= (async () => {
        clearInterval(reaper);
        await worker.close();
        await chat.close();
        rateRedis.disconnect();
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
