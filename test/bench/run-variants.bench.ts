/**
 * Adding variants costs no model call and little time: the same golden cases run with the baseline
 * alone and with 8 variants (fresh response cache each time, in-process runner, Postgres, the demo's
 * simulated fleet over loopback with zero latency). Model calls 8 ÷ 1 must be 1.00, wall time ≤ 1.5.
 */
import { sql } from 'drizzle-orm';
import { createRun } from '../../src/jobs/create-run.js';
import { createProcessors } from '../../src/jobs/processors.js';
import { planRun } from '../../src/jobs/plan-run.js';
import { runReport } from '../../src/jobs/run-summary.js';
import { createChatClient } from '../../src/providers/index.js';
import { runInProcess } from '../../src/queue/in-process-runner.js';
import { openTestStore } from '../helpers/stores.js';
import { seedDemo, weightVariants } from '../integration/jobs/fixtures.js';
import { result, timeMs, type BenchResult } from './harness.js';

export default async function bench(): Promise<BenchResult[]> {
  const store = await openTestStore('postgres');
  const chat = createChatClient({ env: {} });
  try {
    const clock = { now: () => Date.now() };
    const demo = await seedDemo(store.db, { goldenCases: 120 });
    const processors = createProcessors(store.db, { chat, clock });
    const once = async (variants: number) => {
      await store.rows(sql`delete from response_cache`);
      let runId = '';
      const ms = await timeMs(async () => {
        const { run_id } = await createRun(
          store.db,
          { policy: demo.policy, variants: weightVariants(variants - 1), source: { kind: 'golden', name: demo.golden } },
          { clock },
        );
        const plan = await planRun(store.db, run_id);
        await runInProcess(processors, run_id, plan.chunks);
        runId = run_id;
      });
      const report = await runReport(store.db, runId);
      return { ms, calls: report?.model_calls ?? 0, pairs: report?.pairs ?? 0 };
    };
    await once(1); // warm-up: fleet server, connections, JIT
    const one: Array<{ ms: number; calls: number; pairs: number }> = [];
    const eight: typeof one = [];
    for (let i = 0; i < 3; i++) {
      one.push(await once(1));
      eight.push(await once(8));
    }
    const best = (xs: typeof one) => Math.min(...xs.map((x) => x.ms));
    const calls1 = one[0]?.calls ?? 0;
    const calls8 = eight[0]?.calls ?? 0;
    const callRatio = calls1 === 0 ? Number.NaN : calls8 / calls1;
    const t1 = best(one);
    const t8 = best(eight);
    return [
      result({
        name: 'run-variants-model-calls',
        value: calls8,
        baseline: calls1,
        ratio: callRatio,
        target: 'ratio = 1.00',
        unit: 'model calls (8 variants vs 1)',
        passed: callRatio === 1,
        details: { pairs: one[0]?.pairs, cases: demo.caseCount },
      }),
      result({
        name: 'run-variants-wall-time',
        value: t8,
        baseline: t1,
        ratio: t8 / t1,
        target: 'ratio <= 1.5',
        unit: 'ms per run (8 variants vs 1)',
        passed: t8 / t1 <= 1.5,
        details: { one_ms: one.map((x) => Math.round(x.ms)), eight_ms: eight.map((x) => Math.round(x.ms)) },
      }),
    ];
  } finally {
    await chat.close();
    await store.cleanup();
  }
}
