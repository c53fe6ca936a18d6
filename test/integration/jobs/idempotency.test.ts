import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createRun } from '../../../src/jobs/create-run.js';
import { createProcessors } from '../../../src/jobs/processors.js';
import { planRun } from '../../../src/jobs/plan-run.js';
import { runReport } from '../../../src/jobs/run-summary.js';
import { createChatClient, type ChatClient } from '../../../src/providers/index.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';
import { seedDemo, weightVariants } from './fixtures.js';

let store: TestStore;
let chat: ChatClient;
beforeEach(async () => {
  store = await openTestStore('postgres');
  chat = createChatClient({ env: {} });
});
afterEach(async () => {
  await chat.close();
  await store.cleanup();
});

it('every job delivered twice (at-least-once) leaves the same rows and the same totals', async () => {
  const clock = { now: () => Date.parse('2026-11-21T02:00:00Z') };
  const demo = await seedDemo(store.db, { goldenCases: 10 });
  const p = createProcessors(store.db, { chat, clock });
  const { run_id } = await createRun(
    store.db,
    { policy: demo.policy, variants: weightVariants(2), source: { kind: 'golden', name: demo.golden } },
    { clock },
  );
  const plan = await planRun(store.db, run_id, { chunkSize: 4 });
  expect(await planRun(store.db, run_id, { chunkSize: 4 })).toEqual(plan);
  for (const chunk of plan.chunks) await Promise.all([p.chunk({ run_id, chunk }), p.chunk({ run_id, chunk })]);
  await p.aggregate({ run_id });
  const once = await runReport(store.db, run_id);
  for (const chunk of plan.chunks) await p.chunk({ run_id, chunk });
  await p.aggregate({ run_id });
  const twice = await runReport(store.db, run_id);
  expect(twice).toEqual(once);
  const counts = await store.rows<{ outcomes: number; results: number; cases: number }>(
    sql`select (select count(*)::int from run_outcomes where run_id = ${run_id}) as outcomes,
               (select count(*)::int from variant_results where run_id = ${run_id}) as results,
               (select count(*)::int from run_cases where run_id = ${run_id}) as cases`,
  );
  expect(counts[0]).toEqual({ outcomes: plan.pairs, results: 3 * 10, cases: 10 });
  // Concurrent deliveries of one chunk may both call a model; the pair is still stored and counted once.
  expect((once?.model_calls ?? 0) + (once?.cache_hits ?? 0)).toBe(plan.pairs);
});
