/**
 * End-to-end pairs per second through BullMQ (2 workers on real Redis, Postgres) against the
 * in-process runner on the same cases, with the demo's simulated fleet at zero latency. Target:
 * BullMQ ≥ 0.5 × in-process.
 */
import { sql } from 'drizzle-orm';
import { createRun } from '../../src/jobs/create-run.js';
import { createProcessors } from '../../src/jobs/processors.js';
import { planRun } from '../../src/jobs/plan-run.js';
import { runReport } from '../../src/jobs/run-summary.js';
import { waitForRun } from '../../src/jobs/wait-for-run.js';
import { createChatClient } from '../../src/providers/index.js';
import { enqueueRun, startWorker } from '../../src/queue/bullmq-runner.js';
import { DEFAULT_QUEUE, type QueueConfig } from '../../src/queue/connection.js';
import { runInProcess } from '../../src/queue/in-process-runner.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';
import { openTestStore } from '../helpers/stores.js';
import { seedDemo, weightVariants } from '../integration/jobs/fixtures.js';
import { result, timeMs, type BenchResult } from './harness.js';

export default async function bench(): Promise<BenchResult> {
  const store = await openTestStore('postgres');
  const chat = createChatClient({ env: {} });
  const config: QueueConfig = { url: REDIS_URL, prefix: testPrefix(), queueName: DEFAULT_QUEUE };
  const processors = createProcessors(store.db, { chat, clock: { now: () => Date.now() } });
  const workers = [startWorker(config, processors, { concurrency: 2 }), startWorker(config, processors, { concurrency: 2 })];
  try {
    const clock = { now: () => Date.now() };
    const demo = await seedDemo(store.db, { goldenCases: 200 });
    const prepare = async () => {
      await store.rows(sql`delete from response_cache`);
      const { run_id } = await createRun(
        store.db,
        { policy: demo.policy, variants: weightVariants(1), source: { kind: 'golden', name: demo.golden } },
        { clock },
      );
      return { run_id, plan: await planRun(store.db, run_id, { chunkSize: 20 }) };
    };
    const inProcess = async () => {
      const { run_id, plan } = await prepare();
      const ms = await timeMs(() => runInProcess(processors, run_id, plan.chunks, { concurrency: 4 }));
      return { pairs: plan.pairs, ms, ok: (await runReport(store.db, run_id))?.status === 'completed' };
    };
    const bullmq = async () => {
      const { run_id, plan } = await prepare();
      const ms = await timeMs(async () => {
        await enqueueRun(config, run_id, plan.chunks);
        await waitForRun(store.db, run_id, { pollMs: 20 });
      });
      return { pairs: plan.pairs, ms, ok: (await runReport(store.db, run_id))?.status === 'completed' };
    };
    await inProcess();
    await bullmq();
    let bestIn = 0;
    let bestQ = 0;
    for (let i = 0; i < 3; i++) {
      const a = await inProcess();
      const b = await bullmq();
      if (!a.ok || !b.ok) throw new Error('a benchmark run did not complete');
      bestIn = Math.max(bestIn, (a.pairs / a.ms) * 1000);
      bestQ = Math.max(bestQ, (b.pairs / b.ms) * 1000);
    }
    return result({
      name: 'queue-throughput',
      value: bestQ,
      baseline: bestIn,
      ratio: bestQ / bestIn,
      target: 'ratio >= 0.5',
      unit: 'pairs/s (BullMQ 2 workers vs in-process)',
      passed: bestQ / bestIn >= 0.5,
      details: { cases: demo.caseCount, workers: 2, worker_concurrency: 2, in_process_concurrency: 4 },
    });
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await dropPrefix(config.prefix);
    await chat.close();
    await store.cleanup();
  }
}
