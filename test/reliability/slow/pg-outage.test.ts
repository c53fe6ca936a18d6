import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../../src/store/db.js';
import { createTestDatabase } from '../../helpers/stores.js';
import { testPrefix } from '../../helpers/redis.js';
import { assertExactlyOnce } from '../checker.js';
import { cleanupList, hasStackTrace, spawnProducer, spawnWorker, startPrivateRedis, until } from '../harness.js';
import { startModelServer } from '../model-server.js';
import { startPgProxy } from '../pg-proxy.js';
import { CANARY, CANARY_ENV, seedInputs } from '../run-fixture.js';
import { HANG_MS } from '../../helpers/waits.js';

/**
 * What a Postgres restart looks like to the clients, without restarting the shared server: the
 * workers and the producer reach Postgres through a proxy of this test's own, which resets every
 * connection and refuses new ones for 3 s, then accepts again. The run must still complete with
 * every result exactly once, and every process must stay up.
 */

const cleanups = cleanupList();
afterEach(() => cleanups.run());

it('Postgres unreachable for 3 s mid-run (connections reset, new ones refused): run completes exactly once', async () => {
  const dbase = await createTestDatabase({ migrated: true });
  cleanups.add(() => dbase.drop());
  const store = await openStore({ url: dbase.url, max: 2 });
  cleanups.add(() => store.close());
  const proxy = await startPgProxy();
  cleanups.add(() => proxy.close());
  const redis = await startPrivateRedis();
  cleanups.add(() => redis.stop());
  const server = await startModelServer({ delayMs: 150 });
  cleanups.add(() => server.close());
  const seeded = await seedInputs(store.db, { baseUrl: server.baseUrl, cases: 60, variants: 1 });

  const env = {
    ...process.env,
    DATABASE_URL: proxy.through(dbase.url),
    REDIS_URL: redis.url,
    ROUTELAB_QUEUE_PREFIX: testPrefix(),
    ROUTELAB_WORKER_LOCK_MS: '3000',
    ROUTELAB_DEBUG: '',
    [CANARY_ENV]: CANARY,
  };
  const workers = [spawnWorker(env, 2)];
  for (const w of workers) cleanups.add(() => w.kill());
  const producer = spawnProducer(env, seeded);
  cleanups.add(() => producer.kill());

  const stored = async () => Number((await store.rows<{ n: number }>(sql`select count(*)::int as n from run_outcomes`))[0]?.n ?? 0);
  await until(async () => (await stored()) >= 16, HANG_MS, 'the first outcomes to be stored');
  proxy.down();
  // The outage itself: the scenario's parameter, not a wait for a condition.
  await new Promise((r) => setTimeout(r, 3000));
  await proxy.up();

  const code = await producer.exited;
  const err = producer.err();
  const out = producer.out();
  expect(hasStackTrace(err)).toBe(false);
  expect(workers.every((w) => w.alive())).toBe(true);
  const [run] = await store.rows<{ id: string; status: string; coverage: number | null }>(sql`select id, status, coverage from runs`);
  const chunks = await store.rows<{ chunk: number; status: string; error: string | null }>(
    sql`select chunk, status, error from run_chunks order by chunk`,
  );
  expect({ code, status: run?.status, coverage: run?.coverage, failedChunks: chunks.filter((c) => c.status !== 'done') }).toEqual({
    code: 0,
    status: 'completed',
    coverage: 1,
    failedChunks: [],
  });
  expect((JSON.parse(out) as { status: string }).status).toBe('completed');
  const check = await assertExactlyOnce(store, (run as { id: string }).id);
  expect(check.outcomeRows).toBe(check.plannedPairs);
});
