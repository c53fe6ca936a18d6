import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createRun } from '../../../src/jobs/create-run.js';
import { createProcessors } from '../../../src/jobs/processors.js';
import { planRun } from '../../../src/jobs/plan-run.js';
import { runReport } from '../../../src/jobs/run-summary.js';
import { createChatClient, type ChatClient } from '../../../src/providers/index.js';
import type { Processors } from '../../../src/queue/processor-port.js';
import { loadRunData } from '../../../src/store/repos/run-result-repo.js';
import { openTestStore, type StoreKind, type TestStore } from '../../helpers/stores.js';
import { seedDemo, seedRecorded, weightVariants } from './fixtures.js';
import { createTestRunner, type RunnerKind, type TestRunner } from './runners.js';

const clock = { now: () => Date.parse('2026-11-21T02:00:00Z') };
const COMBOS: Array<[RunnerKind, StoreKind]> = [
  ['in-process', 'pglite'],
  ['in-process', 'postgres'],
  ['bullmq', 'postgres'],
];

describe.each(COMBOS)('run engine on the %s runner, %s store', (runnerKind, storeKind) => {
  let store: TestStore;
  let chat: ChatClient;
  let runner: TestRunner | undefined;

  beforeEach(async () => {
    store = await openTestStore(storeKind);
    chat = createChatClient({ env: {} });
  });
  afterEach(async () => {
    await runner?.close();
    runner = undefined;
    await chat.close();
    await store.cleanup();
  });

  const start = (processors?: Processors) => {
    runner = createTestRunner(runnerKind, store.db, processors ?? createProcessors(store.db, { chat, clock }));
    return runner;
  };
  const count = async (q: ReturnType<typeof sql>) => Number((await store.rows<{ n: number }>(q))[0]?.n);

  it('fetches each (case, model) once for 8 variants and evaluates every variant on every case', async () => {
    const demo = await seedDemo(store.db, { goldenCases: 16 });
    const r = start();
    const { run_id } = await createRun(
      store.db,
      { policy: demo.policy, variants: weightVariants(7), source: { kind: 'golden', name: demo.golden }, chunk_size: 5 },
      { clock },
    );
    const plan = await planRun(store.db, run_id, { chunkSize: 5 });
    expect(plan.pairs).toBe(16 * 3);
    await r.execute(run_id, plan.chunks);

    const report = await runReport(store.db, run_id);
    expect(report?.status).toBe('completed');
    expect(report?.model_calls).toBe(plan.pairs);
    expect(report?.variants).toHaveLength(8);
    for (const v of report?.variants ?? []) expect(v.cases).toBe(16);
    expect(await count(sql`select count(*)::int as n from variant_results where run_id = ${run_id}`)).toBe(8 * 16);
    const data = await loadRunData(store.db, run_id);
    // Every answer names the model that really answered (a provider-side swap cannot hide).
    const answered = data?.outcomes.filter((o) => o.status === 200) ?? [];
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((o) => o.answered_by === o.model)).toBe(true);

    // The same cases again with only the baseline: every outcome comes from the cache, failures
    // (429, 503, timeouts) included, so the re-run sees the same error rate.
    const again = await createRun(store.db, { policy: demo.policy, source: { kind: 'golden', name: demo.golden } }, { clock });
    const plan2 = await planRun(store.db, again.run_id);
    await r.execute(again.run_id, plan2.chunks);
    const second = await runReport(store.db, again.run_id);
    expect(second).toMatchObject({ status: 'completed', pairs: plan.pairs, model_calls: 0, cache_hits: plan.pairs });
  });

  it('replays recorded outcomes without calling a model', async () => {
    const rec = await seedRecorded(store.db);
    const r = start();
    const { run_id } = await createRun(store.db, { policy: rec.policy, source: { kind: 'outcomes', name: rec.outcomes } }, { clock });
    const plan = await planRun(store.db, run_id, { chunkSize: 4 });
    await r.execute(run_id, plan.chunks);
    const report = await runReport(store.db, run_id);
    expect(report).toMatchObject({ status: 'completed', model_calls: 0, recorded: plan.pairs, cost_usd: 0 });
    // A fallback policy serves its first model whenever that one answered: quality is its mean score.
    const data = await loadRunData(store.db, run_id);
    const first = data?.outcomes.filter((o) => o.model === rec.models[0]) ?? [];
    const expected = first.reduce((a, o) => a + (o.score ?? 0), 0) / first.length;
    expect(report?.variants[0]?.quality).toBeCloseTo(expected, 10);
  });

  it('a chunk that keeps failing becomes recorded failures and the run still aggregates', async () => {
    const demo = await seedDemo(store.db, { goldenCases: 12 });
    const real = createProcessors(store.db, { chat, clock });
    const r = start({ ...real, chunk: async (p) => (p.chunk === 1 ? Promise.reject(new Error('provider exploded')) : real.chunk(p)) });
    const { run_id } = await createRun(
      store.db,
      { policy: demo.policy, variants: weightVariants(1), source: { kind: 'golden', name: demo.golden } },
      { clock },
    );
    const plan = await planRun(store.db, run_id, { chunkSize: 4 });
    await r.execute(run_id, plan.chunks);
    const report = await runReport(store.db, run_id);
    expect(report?.status).toBe('completed');
    expect(report?.coverage).toBeCloseTo(8 / 12, 10);
    expect(report?.notes.join('\n')).toMatch(/coverage 66\.7%/);
    // Every (variant, case) has exactly one row: a result or a recorded failure naming the chunk.
    const rows = await store.rows<{ n: number; failed: number; distinct_keys: number }>(
      sql`select count(*)::int as n, (count(*) filter (where failure like 'chunk 1 failed%'))::int as failed,
                 count(distinct (variant_idx, case_id))::int as distinct_keys from variant_results where run_id = ${run_id}`,
    );
    expect(rows[0]).toEqual({ n: 24, failed: 8, distinct_keys: 24 });
  });

  it('stops fetching at the hard cost cap and says so', async () => {
    const demo = await seedDemo(store.db, { goldenCases: 12 });
    const r = start();
    const cap = 0.02;
    const { run_id } = await createRun(
      store.db,
      { policy: demo.policy, source: { kind: 'golden', name: demo.golden }, cost_cap_usd: cap },
      { clock },
    );
    const plan = await planRun(store.db, run_id, { chunkSize: 4 });
    await r.execute(run_id, plan.chunks);
    const report = await runReport(store.db, run_id);
    expect(report?.status).toBe('capped');
    expect(report?.cost_usd).toBeLessThanOrEqual(cap);
    expect(report?.model_calls).toBeLessThan(plan.pairs);
    expect(report?.notes.join('\n')).toMatch(/cost cap of \$0\.02 reached/);
  });
});
