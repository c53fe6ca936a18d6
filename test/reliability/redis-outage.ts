import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { waitForRun } from '../../src/jobs/wait-for-run.js';
import { enqueueRun } from '../../src/queue/bullmq-runner.js';
import { DEFAULT_QUEUE, type QueueConfig } from '../../src/queue/connection.js';
import { openStore } from '../../src/store/db.js';
import { createTestDatabase } from '../helpers/stores.js';
import { testPrefix } from '../helpers/redis.js';
import { assertExactlyOnce, type RunCheck } from './checker.js';
import { cleanupList, spawnWorker, startPrivateRedis, until } from './harness.js';
import { startModelServer } from './model-server.js';
import { CANARY, CANARY_ENV, seedRun } from './run-fixture.js';

/**
 * The Redis-restart scenario, shared by the 2 s outage (test/reliability) and the 15 s one
 * (test/reliability/slow): two real worker processes, a Redis of the scenario's own with an
 * append-only file, killed with SIGKILL mid-run and started again after `outageMs`. The workers are
 * never restarted; the run must complete with every result exactly once.
 */
export async function redisRestartScenario(outageMs: number, cleanups: ReturnType<typeof cleanupList>, timeouts: { run: number }): Promise<{ check: RunCheck; logs: string[] }> {
  const dbase = await createTestDatabase();
  cleanups.add(() => dbase.drop());
  const store = await openStore({ url: dbase.url, max: 4 });
  cleanups.add(() => store.close());
  const redis = await startPrivateRedis({ persist: true });
  cleanups.add(() => redis.stop());
  const server = await startModelServer({ delayMs: 40 });
  cleanups.add(() => server.close());
  const seeded = await seedRun(store.db, { baseUrl: server.baseUrl, cases: 80, variants: 2, chunkSize: 4 });
  const queue: QueueConfig = { url: redis.url, prefix: testPrefix(), queueName: DEFAULT_QUEUE };
  await enqueueRun(queue, seeded.runId, seeded.chunks);
  const env = { ...process.env, DATABASE_URL: dbase.url, REDIS_URL: redis.url, ROUTELAB_QUEUE_PREFIX: queue.prefix, ROUTELAB_WORKER_LOCK_MS: '3000', [CANARY_ENV]: CANARY };
  const workers = [spawnWorker(env, 2), spawnWorker(env, 2)];
  for (const w of workers) cleanups.add(() => w.kill());

  const stored = async () => Number((await store.rows<{ n: number }>(sql`select count(*)::int as n from run_outcomes where run_id = ${seeded.runId}`))[0]?.n ?? 0);
  await until(async () => (await stored()) >= 8, 30_000, 'the workers to store their first outcomes');
  await redis.kill();
  const atKill = await stored();
  // The outage itself: the scenario's parameter, not a wait for a condition.
  await new Promise((r) => setTimeout(r, outageMs));
  expect(workers.every((w) => w.alive())).toBe(true);
  await redis.start();

  await waitForRun(store.db, seeded.runId, { pollMs: 100, timeoutMs: timeouts.run });
  expect(workers.every((w) => w.alive())).toBe(true);
  const check = await assertExactlyOnce(store, seeded.runId);
  expect(atKill).toBeLessThan(seeded.pairs);
  expect(check.status).toBe('completed');
  expect(check.recordedFailures).toBe(0);
  const logs = workers.map((w) => w.log());
  for (const log of logs) expect(log).not.toContain(CANARY);
  return { check, logs };
}
