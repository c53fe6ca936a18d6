import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { runReport } from '../../src/jobs/run-summary.js';
import { waitForRun } from '../../src/jobs/wait-for-run.js';
import { enqueueRun } from '../../src/queue/bullmq-runner.js';
import { DEFAULT_QUEUE, type QueueConfig } from '../../src/queue/connection.js';
import { openStore, type Store } from '../../src/store/db.js';
import { createTestDatabase } from '../helpers/stores.js';
import { testPrefix } from '../helpers/redis.js';
import { assertExactlyOnce } from './checker.js';
import { cleanupList, spawnWorker, startPrivateRedis, until, type PrivateRedis } from './harness.js';
import { startModelServer, type ModelServer } from './model-server.js';
import { inProcessWorker } from './queue-fixture.js';
import { CANARY, CANARY_ENV, seedRun, type SeededRun } from './run-fixture.js';
import { HANG_MS } from '../helpers/waits.js';

/**
 * A worker process SIGKILLed (1) while its provider calls are in flight and (2) after its chunk's
 * writes are committed but before BullMQ has acknowledged the job. Another worker finishes the run;
 * every result exists exactly once; provider calls repeated because of the crash are counted by the
 * model server and reported by the run.
 */

const cleanups = cleanupList();
afterEach(() => cleanups.run());

interface Setup {
  store: Store;
  redis: PrivateRedis;
  server: ModelServer;
  queue: QueueConfig;
  env: NodeJS.ProcessEnv;
  seeded: SeededRun;
}

async function setup(options: { cases: number; chunkSize: number }): Promise<Setup> {
  const dbase = await createTestDatabase({ migrated: true });
  cleanups.add(() => dbase.drop());
  const store = await openStore({ url: dbase.url, max: 4 });
  cleanups.add(() => store.close());
  const redis = await startPrivateRedis();
  cleanups.add(() => redis.stop());
  const server = await startModelServer({ gated: true });
  cleanups.add(() => server.close());
  const seeded = await seedRun(store.db, { baseUrl: server.baseUrl, cases: options.cases, variants: 2, chunkSize: options.chunkSize });
  const queue: QueueConfig = { url: redis.url, prefix: testPrefix(), queueName: DEFAULT_QUEUE };
  await enqueueRun(queue, seeded.runId, seeded.chunks);
  const env = {
    ...process.env,
    DATABASE_URL: dbase.url,
    REDIS_URL: redis.url,
    ROUTELAB_QUEUE_PREFIX: queue.prefix,
    ROUTELAB_WORKER_LOCK_MS: '1500',
    [CANARY_ENV]: CANARY,
  };
  return { store, redis, server, queue, env, seeded };
}

const storedPairs = async (store: Store, runId: string) =>
  Number((await store.rows<{ n: number }>(sql`select count(*)::int as n from run_outcomes where run_id = ${runId}`))[0]?.n ?? 0);

it('SIGKILL with provider calls in flight: the run completes, results once, repeated calls counted and reported', async () => {
  const s = await setup({ cases: 24, chunkSize: 8 });
  const a = spawnWorker(s.env, 1);
  cleanups.add(() => a.kill());
  // A chunk fetches 8 pairs at once: kill when all 8 requests have reached the server. (Killed earlier,
  // a call reserved in the database but not yet sent is also counted as repeated: an upper bound.)
  await until(() => s.server.held() >= 8, HANG_MS, 'worker A to have 8 provider calls in flight');
  const inFlight = s.server.held();
  await a.kill('SIGKILL');
  expect(await storedPairs(s.store, s.seeded.runId)).toBe(0);

  s.server.open();
  const b = inProcessWorker(s.store.db, s.queue);
  cleanups.add(() => b.close());
  await waitForRun(s.store.db, s.seeded.runId, { pollMs: 50, timeoutMs: HANG_MS });

  const check = await assertExactlyOnce(s.store, s.seeded.runId);
  expect(check.status).toBe('completed');
  expect(check.outcomeRows).toBe(s.seeded.pairs);
  expect(check.recordedFailures).toBe(0);
  // The server saw every call the dead worker had in flight again: those are the duplicates, and the
  // run counted exactly as many (calls_attempted - calls stored) and says so in its notes.
  expect(s.server.duplicates()).toBe(inFlight);
  expect(check.duplicateCalls).toBe(s.server.duplicates());
  const report = await runReport(s.store.db, s.seeded.runId);
  expect(report?.notes.join('\n')).toMatch(new RegExp(`${inFlight} provider call\\(s\\) were repeated`));
  expect((report?.model_calls ?? 0) + (report?.cache_hits ?? 0)).toBe(s.seeded.pairs);
});

it('SIGKILL after the chunk committed, before the job was acknowledged: redelivered, nothing stored or called twice', async () => {
  // One chunk holding every case, so "committed" is one observable row: run_chunks(chunk 0, done).
  const s = await setup({ cases: 12, chunkSize: 1000 });
  const a = spawnWorker(s.env, 1);
  cleanups.add(() => a.kill());
  await until(() => s.server.held() > 0, HANG_MS, 'worker A to start the chunk');
  // Freeze every Redis write (BullMQ's ack is a write script) before letting the answers through:
  // A commits to Postgres, then blocks on the ack. That is the window to kill it in.
  const admin = s.redis.client();
  cleanups.add(() => admin.disconnect());
  await admin.call('CLIENT', 'PAUSE', '20000', 'WRITE');
  s.server.open();
  const committed = async () =>
    (await s.store.rows<{ status: string }>(sql`select status from run_chunks where run_id = ${s.seeded.runId} and chunk = 0`))[0]
      ?.status === 'done';
  await until(committed, HANG_MS, 'chunk 0 to be committed');
  expect(await storedPairs(s.store, s.seeded.runId)).toBe(s.seeded.pairs);
  await a.kill('SIGKILL');
  await admin.call('CLIENT', 'UNPAUSE');
  // The job is still active in Redis, held by a dead worker: not acknowledged.
  const state = await admin.hget(`${s.queue.prefix}:${s.queue.queueName}:${s.seeded.runId}-chunk-0`, 'finishedOn');
  expect(state).toBeNull();

  const b = inProcessWorker(s.store.db, s.queue);
  cleanups.add(() => b.close());
  await waitForRun(s.store.db, s.seeded.runId, { pollMs: 50, timeoutMs: HANG_MS });
  const check = await assertExactlyOnce(s.store, s.seeded.runId);
  expect(check.status).toBe('completed');
  expect(check.recordedFailures).toBe(0);
  expect(s.server.requests).toHaveLength(s.seeded.pairs);
  expect(s.server.duplicates()).toBe(0);
  expect(check.duplicateCalls).toBe(0);
  // The redelivered chunk really ran again on B (and found everything stored).
  expect(b.log.some((l) => l.startsWith('done chunk'))).toBe(true);
  expect(a.log()).not.toContain(CANARY);
  expect(b.log.join('\n')).not.toContain(CANARY);
});
