import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { createTestDatabase, PG_ADMIN_URL } from '../helpers/stores.js';
import { testPrefix } from '../helpers/redis.js';
import { assertExactlyOnce } from './checker.js';
import { cleanupList, expectProducerCompleted, retrying, spawnProducer, spawnWorker, startPrivateRedis, until } from './harness.js';
import { startModelServer } from './model-server.js';
import { CANARY, CANARY_ENV, seedInputs } from './run-fixture.js';
import { HANG_MS } from '../helpers/waits.js';

/**
 * Postgres backends killed under a running run (`pg_terminate_backend` on this test's database only:
 * the workers', the waiting producer's and the test's own connections). Writes are retried, no row
 * is half-written or written twice, no process exits silently: the workers stay up, the producer
 * (`routelab run`, waiting for the workers) prints the summary and exits 0.
 */

const cleanups = cleanupList();
afterEach(() => cleanups.run());

it('pg_terminate_backend on every backend mid-run: run completes exactly once, workers and producer survive', async () => {
  const dbase = await createTestDatabase({ migrated: true });
  cleanups.add(() => dbase.drop());
  const dbName = new URL(dbase.url).pathname.slice(1);
  const store = await openStore({ url: dbase.url, max: 2 });
  cleanups.add(() => store.close());
  const redis = await startPrivateRedis();
  cleanups.add(() => redis.stop());
  const server = await startModelServer({ delayMs: 200 });
  cleanups.add(() => server.close());
  const seeded = await seedInputs(store.db, { baseUrl: server.baseUrl, cases: 90, variants: 1 });
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  cleanups.add(() => admin.end({ timeout: 5 }));

  const env = {
    ...process.env,
    DATABASE_URL: dbase.url,
    REDIS_URL: redis.url,
    ROUTELAB_QUEUE_PREFIX: testPrefix(),
    ROUTELAB_WORKER_LOCK_MS: '3000',
    ROUTELAB_DEBUG: '',
    [CANARY_ENV]: CANARY,
  };
  const workers = [spawnWorker(env, 2), spawnWorker(env, 2)];
  for (const w of workers) cleanups.add(() => w.kill());
  const producer = spawnProducer(env, seeded);
  cleanups.add(() => producer.kill());

  const stored = () =>
    retrying(async () => Number((await store.rows<{ n: number }>(sql`select count(*)::int as n from run_outcomes`))[0]?.n ?? 0));
  // One outage of every backend of the database (what a Postgres failover does to the clients).
  // Each such outage costs the chunks it interrupts one job attempt (JOB_ATTEMPTS = 3).
  await until(async () => (await stored()) >= 16, HANG_MS, 'the first outcomes to be stored');
  const killed =
    await admin`select count(*) filter (where pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`;
  const terminated = Number(killed[0]?.n ?? 0);
  const atKill = await stored();
  expect(terminated).toBeGreaterThan(0);
  expect(atKill).toBeLessThan(180);

  const summary = await expectProducerCompleted(producer, workers);
  const check = await retrying(() => assertExactlyOnce(store, summary.run_id));
  const chunks = await store.rows(sql`select chunk, status, error from run_chunks where run_id = ${summary.run_id} order by chunk`);
  expect({ outcomes: check.outcomeRows, failures: check.recordedFailures, chunks }).toEqual({
    outcomes: check.plannedPairs,
    failures: 0,
    chunks: chunks.map((c) => ({ ...c, status: 'done' })),
  });
  for (const w of workers) expect(w.log()).not.toContain(CANARY);
});
