import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { createTestDatabase } from '../helpers/stores.js';
import { cleanupList, freePort, hasStackTrace, runCli, startPrivateRedis } from './harness.js';
import { redisRestartScenario } from './redis-outage.js';
import { seedRun } from './run-fixture.js';
import { HANG_MS } from '../helpers/waits.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

it('Redis killed mid-run and back after 2 s: the same worker processes resume and finish the run exactly once', async () => {
  const { check } = await redisRestartScenario(2000, cleanups, { run: HANG_MS });
  expect(check.outcomeRows).toBe(check.plannedPairs);
});

async function producerSetup() {
  const dbase = await createTestDatabase({ migrated: true });
  cleanups.add(() => dbase.drop());
  const store = await openStore({ url: dbase.url, max: 2 });
  cleanups.add(() => store.close());
  // A policy and a golden set exist, so the only thing wrong is Redis.
  await seedRun(store.db, { baseUrl: 'http://127.0.0.1:9/v1', cases: 3, variants: 0 });
  const runs = async () => Number((await store.rows<{ n: number }>(sql`select count(*)::int as n from runs`))[0]?.n ?? 0);
  return { url: dbase.url, runsBefore: await runs(), runs };
}

it('a producer with Redis down fails fast, names Redis, and creates no run', async () => {
  const p = await producerSetup();
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: p.url,
    REDIS_URL: `redis://:hunter2@127.0.0.1:${port}`,
    ROUTELAB_QUEUE_PREFIX: 'rl-test-down',
  };
  const run = await runCli(['run', '--policy', 'rel-policy', '--golden', 'rel-policy-golden'], env);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`cannot reach Redis at 127\\.0\\.0\\.1:${port} \\(REDIS_URL\\)`));
  expect(run.stderr).not.toContain('hunter2');
  expect(hasStackTrace(run.stderr)).toBe(false);
  expect(await p.runs()).toBe(p.runsBefore);

  const schedule = await runCli(
    ['schedule', 'nightly', '--cron', '0 2 * * *', '--policy', 'rel-policy', '--sample-from-last', '24h', '--size', '10'],
    env,
  );
  expect(schedule.code).toBe(1);
  expect(schedule.stderr).toMatch(/cannot reach Redis/);
});

it('a producer with Redis frozen (SIGSTOP: accepts, never answers) fails fast too, instead of hanging', async () => {
  const p = await producerSetup();
  const redis = await startPrivateRedis();
  cleanups.add(() => redis.stop());
  const frozen = await redis.freeze();
  cleanups.add(() => frozen.thaw());
  const env = { ...process.env, DATABASE_URL: p.url, REDIS_URL: redis.url, ROUTELAB_QUEUE_PREFIX: 'rl-test-frozen' };
  const run = await runCli(['run', '--policy', 'rel-policy', '--golden', 'rel-policy-golden'], env, { timeoutMs: HANG_MS });
  expect(run.signal).toBeNull();
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/cannot reach Redis/);
  expect(await p.runs()).toBe(p.runsBefore);
});
