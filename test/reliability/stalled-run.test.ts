import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { enqueueRun } from '../../src/queue/bullmq-runner.js';
import { DEFAULT_QUEUE, type QueueConfig } from '../../src/queue/connection.js';
import { waitForRun } from '../../src/jobs/wait-for-run.js';
import { reapStalledRuns } from '../../src/store/repos/run-repo.js';
import { openTestStore } from '../helpers/stores.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';
import { assertExactlyOnce } from './checker.js';
import { cleanupList, until } from './harness.js';
import { startModelServer } from './model-server.js';
import { inProcessWorker } from './queue-fixture.js';
import { seedRun } from './run-fixture.js';
import { assertTrafficSound } from './traffic-checker.js';
import { HANG_MS } from '../helpers/waits.js';

/**
 * Issue 17: a run whose workers stop making progress used to stay `running` for ever (and `propose`
 * refused it). Here every model call hangs (the model server holds them), so the worker stores
 * nothing; the producer waiting on the run fails it within the stall limit (short here, so the test
 * waits on a condition, never a fixed sleep) with the reason, and the checkers hold: every
 * (variant, case) has a row, the missing pairs are explained by failed chunks, no run is left running.
 */
const cleanups = cleanupList();
afterEach(() => cleanups.run());

it('a run on which the workers store nothing is failed with the reason, and the checkers hold', async () => {
  const store = await openTestStore('postgres');
  cleanups.add(() => store.cleanup());
  const model = await startModelServer({ gated: true });
  cleanups.add(() => model.close());
  const seeded = await seedRun(store.db, { baseUrl: model.baseUrl, cases: 6, chunkSize: 3 });
  const queue: QueueConfig = { url: REDIS_URL, prefix: testPrefix(), queueName: DEFAULT_QUEUE };
  cleanups.add(() => dropPrefix(queue.prefix));
  const worker = inProcessWorker(store.db, queue, { deadlineMs: 60_000 });
  cleanups.add(() => worker.close());
  // Let the held calls go before the worker closes, so it can finish its job in hand.
  cleanups.add(() => model.open());
  await enqueueRun(queue, seeded.runId, seeded.chunks);
  await until(() => model.held() > 0, HANG_MS, 'a call held by the model server');

  const p = await waitForRun(store.db, seeded.runId, { pollMs: 50, stallMs: 300, timeoutMs: HANG_MS });
  expect(p.status).toBe('failed');
  const [run] = await store.rows<{ status: string; error: string }>(sql`select status, error from runs where id = ${seeded.runId}`);
  expect(run?.error).toMatch(/^no progress for 0\.3 s: the workers stopped/);
  const check = await assertExactlyOnce(store, seeded.runId);
  expect(check.recordedFailures).toBe(check.variants * check.cases);
  await assertTrafficSound(store);
});

it('a run that is making progress is left alone', async () => {
  const store = await openTestStore('postgres');
  cleanups.add(() => store.cleanup());
  const seeded = await seedRun(store.db, { baseUrl: 'http://127.0.0.1:9/v1', cases: 2 });
  expect(await reapStalledRuns(store.db, 60_000)).toEqual([]);
  const [run] = await store.rows<{ status: string }>(sql`select status from runs where id = ${seeded.runId}`);
  expect(run?.status).toBe('running');
});

// pg-terminate.test.ts failed this way on a loaded machine: the terminate landed during the producer's
// stall check, which did not ride out a lost connection as its progress poll did, and `routelab run`
// exited 1 while the workers finished the run.
it('a connection lost during the stall check is ridden out: the waiting process reconnects and goes on', async () => {
  const store = await openTestStore('postgres');
  cleanups.add(() => store.cleanup());
  const seeded = await seedRun(store.db, { baseUrl: 'http://127.0.0.1:9/v1', cases: 2 });
  // The first statement to fail the run (the stall check) has its own backend terminated, once.
  await store.rows(sql.raw(`create sequence cut_once`));
  await store.rows(
    sql.raw(`create function cut_once() returns trigger language plpgsql as $$
      begin
        if nextval('cut_once') = 1 then perform pg_terminate_backend(pg_backend_pid()); end if;
        return new;
      end $$`),
  );
  await store.rows(
    sql.raw(`create trigger cut_once before update on runs for each row when (new.status = 'failed') execute function cut_once()`),
  );

  const p = await waitForRun(store.db, seeded.runId, { pollMs: 50, stallMs: 1, timeoutMs: HANG_MS });
  expect(p.status).toBe('failed');
  const [cut] = await store.rows<{ n: number }>(sql`select last_value::int as n from cut_once`);
  expect(cut?.n).toBeGreaterThanOrEqual(2);
});
