import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../../src/store/db.js';
import { createTestDatabase } from '../../helpers/stores.js';
import { testPrefix } from '../../helpers/redis.js';
import { assertExactlyOnce } from '../checker.js';
import { cleanupList, expectProducerCompleted, retrying, spawnProducer, spawnWorker, startPrivateRedis, until } from '../harness.js';
import { startModelServer } from '../model-server.js';
import { CANARY, CANARY_ENV, seedInputs } from '../run-fixture.js';
import { HANG_MS } from '../../helpers/waits.js';

/**
 * A full PostgreSQL restart (`pg_ctlcluster … restart -m fast`) in the middle of a run: the workers
 * and the waiting producer must ride it out — writes retried, no partial rows, no silent exit.
 *
 * It restarts the shared server, which every other Postgres test on the machine uses, so it refuses
 * to run unless started by `npm run test:reliability` (that script runs the slow scenarios one at a
 * time, after everything else). It never runs by accident: it fails with that reason instead.
 */

const cleanups = cleanupList();
afterEach(() => cleanups.run(), 120_000);

function restartPostgres(): void {
  const version = readdirSync('/etc/postgresql')[0];
  if (!version) throw new Error('no PostgreSQL cluster under /etc/postgresql');
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart', '-m', 'fast'], { stdio: 'ignore' });
}

it(
  'PostgreSQL restarted mid-run: the run completes exactly once, workers and producer survive',
  async () => {
    if (process.env.npm_lifecycle_event !== 'test:reliability') {
      throw new Error('restarts the shared PostgreSQL: run it through `npm run test:reliability` only');
    }
    const dbase = await createTestDatabase({ migrated: true });
    cleanups.add(() => retrying(() => dbase.drop()));
    const store = await openStore({ url: dbase.url, max: 2 });
    cleanups.add(() => store.close());
    const redis = await startPrivateRedis();
    cleanups.add(() => redis.stop());
    const server = await startModelServer({ delayMs: 200 });
    cleanups.add(() => server.close());
    const seeded = await seedInputs(store.db, { baseUrl: server.baseUrl, cases: 150, variants: 1 });

    const env = {
      ...process.env,
      DATABASE_URL: dbase.url,
      REDIS_URL: redis.url,
      ROUTELAB_QUEUE_PREFIX: testPrefix(),
      ROUTELAB_WORKER_LOCK_MS: '3000',
      [CANARY_ENV]: CANARY,
    };
    const workers = [spawnWorker(env, 2), spawnWorker(env, 2)];
    for (const w of workers) cleanups.add(() => w.kill());
    const producer = spawnProducer(env, seeded);
    cleanups.add(() => producer.kill());

    const stored = () =>
      retrying(async () => Number((await store.rows<{ n: number }>(sql`select count(*)::int as n from run_outcomes`))[0]?.n ?? 0), 100);
    await until(async () => (await stored()) >= 16, HANG_MS, 'the first outcomes to be stored');
    restartPostgres();

    const summary = await expectProducerCompleted(producer, workers);
    const check = await retrying(() => assertExactlyOnce(store, summary.run_id));
    expect(check.outcomeRows).toBe(check.plannedPairs);
    expect(check.recordedFailures).toBe(0);
  },
  10 * 60_000,
);
