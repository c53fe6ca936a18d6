import { afterEach, expect, it } from 'vitest';
import { createProcessors } from '../../src/jobs/processors.js';
import { createChatClient } from '../../src/providers/index.js';
import { runInProcess } from '../../src/queue/in-process-runner.js';
import { openTestStore } from '../helpers/stores.js';
import { checkRun } from './checker.js';
import { cleanupList } from './harness.js';
import { startModelServer } from './model-server.js';
import { CANARY, CANARY_ENV, seedRun } from './run-fixture.js';

/**
 * A variant the evaluator cannot enumerate (loadbalance over 13 targets with retries: more routing
 * paths than the exact distribution allows) must not cost the other variants their results, nor
 * leave (variant, case) keys with neither a result nor a recorded failure.
 */

const cleanups = cleanupList();
afterEach(() => cleanups.run());

it('a variant past the routing-path limit becomes recorded failures; the other variants are evaluated', async () => {
  const store = await openTestStore('pglite');
  cleanups.add(() => store.cleanup());
  // Every call fails with a status the strategy redraws on: the loadbalance tree is 13! paths deep.
  const server = await startModelServer({ faultRate: 1 });
  cleanups.add(() => server.close());
  const models = Array.from({ length: 13 }, (_, i) => `rel/m${i}`);
  // Baseline: loadbalance over 13 targets (too many paths); variant 1: fallback over the same 13.
  const seeded = await seedRun(store.db, { baseUrl: server.baseUrl, cases: 3, models, variants: 1, chunkSize: 10 });
  const chat = createChatClient({ env: { [CANARY_ENV]: CANARY } });
  cleanups.add(() => chat.close());
  await runInProcess(createProcessors(store.db, { chat, clock: { now: () => Date.now() } }), seeded.runId, seeded.chunks);

  const check = await checkRun(store, seeded.runId);
  expect(check.problems).toEqual([]);
  expect(check.outcomeRows).toBe(3 * 13);
  const rows = await store.rows<{ variant_idx: number; failure: string | null }>(
    (await import('drizzle-orm'))
      .sql`select variant_idx, failure from variant_results where run_id = ${seeded.runId} order by variant_idx, case_id`,
  );
  expect(rows.filter((r) => Number(r.variant_idx) === 0).every((r) => /routing paths/.test(r.failure ?? ''))).toBe(true);
  expect(rows.filter((r) => Number(r.variant_idx) === 1).every((r) => r.failure === null)).toBe(true);
  expect(check.status).toBe('completed');
});
