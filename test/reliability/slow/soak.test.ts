import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { createRun } from '../../../src/jobs/create-run.js';
import { planRun } from '../../../src/jobs/plan-run.js';
import { waitForRun } from '../../../src/jobs/wait-for-run.js';
import { enqueueRun } from '../../../src/queue/bullmq-runner.js';
import { DEFAULT_QUEUE, type QueueConfig } from '../../../src/queue/connection.js';
import { openStore } from '../../../src/store/db.js';
import { createTestDatabase } from '../../helpers/stores.js';
import { testPrefix } from '../../helpers/redis.js';
import { assertExactlyOnce } from '../checker.js';
import { cleanupList, ROOT, spawnWorker, startPrivateRedis } from '../harness.js';
import { startModelServer } from '../model-server.js';
import { CANARY, CANARY_ENV, seedInputs } from '../run-fixture.js';

/**
 * The soak: a run of 100,000 (case, model) pairs (SOAK_PAIRS to change it) on 2 worker processes
 * against a model that fails 5% of calls at random (500, 503, 429 with a garbage Retry-After, a 200
 * holding an error, HTML). It must complete with every result exactly once, and the workers' memory
 * must stay flat: RSS is sampled every 2 s and written to reports/reliability/soak.json.
 */

const cleanups = cleanupList();
afterEach(() => cleanups.run(), 120_000);

const PAIRS = Number(process.env.SOAK_PAIRS ?? 100_000);
const MODELS = 2;
const FAULT_RATE = 0.05;

function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor(s.length / 2)] as number) : 0;
};

it(
  `${PAIRS} pairs on 2 workers with ${FAULT_RATE * 100}% random faults: exactly once, flat memory`,
  async () => {
    const dbase = await createTestDatabase({ migrated: true });
    cleanups.add(() => dbase.drop());
    const store = await openStore({ url: dbase.url, max: 4 });
    cleanups.add(() => store.close());
    const redis = await startPrivateRedis();
    cleanups.add(() => redis.stop());
    const server = await startModelServer({ faultRate: FAULT_RATE, seed: 20261121 });
    cleanups.add(() => server.close());

    const cases = Math.ceil(PAIRS / MODELS);
    const seeded = await seedInputs(store.db, { baseUrl: server.baseUrl, cases, variants: 1, policy: 'soak' });
    const { run_id: runId } = await createRun(
      store.db,
      {
        policy: seeded.policy,
        variants: seeded.variants.map((name) => ({ kind: 'policy' as const, name })),
        source: { kind: 'golden', name: seeded.golden },
        holdout: 0.3,
      },
      { clock: { now: () => Date.now() } },
    );
    const plan = await planRun(store.db, runId);
    expect(plan.pairs).toBe(cases * MODELS);
    const queue: QueueConfig = { url: redis.url, prefix: testPrefix(), queueName: DEFAULT_QUEUE };
    await enqueueRun(queue, runId, plan.chunks);

    const env = {
      ...process.env,
      DATABASE_URL: dbase.url,
      REDIS_URL: redis.url,
      ROUTELAB_QUEUE_PREFIX: queue.prefix,
      [CANARY_ENV]: CANARY,
    };
    const workers = [spawnWorker(env, 2), spawnWorker(env, 2)];
    for (const w of workers) cleanups.add(() => w.kill());

    const started = Date.now();
    const samples: Array<{ t_s: number; rss_mb: Array<number | null>; stored: number }> = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const stored = Number(
          (await store.rows<{ n: number }>(sql`select count(*)::int as n from run_outcomes where run_id = ${runId}`))[0]?.n ?? 0,
        );
        samples.push({ t_s: Math.round((Date.now() - started) / 100) / 10, rss_mb: workers.map((w) => rssMb(w.child.pid)), stored });
        await new Promise((r) => setTimeout(r, 2000));
      }
    })();
    try {
      await waitForRun(store.db, runId, { pollMs: 500, timeoutMs: 30 * 60_000 });
    } finally {
      sampling = false;
      await sampler;
    }
    const seconds = (Date.now() - started) / 1000;

    const check = await assertExactlyOnce(store, runId);
    const statuses = await store.rows<{ status: number; n: number }>(
      sql`select status, count(*)::int as n from run_outcomes where run_id = ${runId} group by status order by status`,
    );
    const errors = statuses.filter((s) => Number(s.status) !== 200).reduce((a, s) => a + Number(s.n), 0);

    // Memory: after the first fifth (JIT, pools and caches warming up), the last fifth must not have
    // grown beyond the steady state by more than a quarter (+ 40 MB of slack for GC timing).
    const series = workers.map((_, i) => samples.map((s) => s.rss_mb[i]).filter((v): v is number => v !== null));
    const flat = series.map((xs) => {
      const fifth = Math.max(1, Math.floor(xs.length / 5));
      const steady = median(xs.slice(fifth, 2 * fifth + 1));
      const last = median(xs.slice(-fifth));
      return {
        steady_mb: steady,
        last_mb: last,
        max_mb: Math.max(...xs),
        growth: steady ? Math.round((last / steady) * 1000) / 1000 : null,
        ok: last <= steady * 1.25 + 40,
      };
    });
    const summary = {
      pairs: plan.pairs,
      workers: workers.length,
      worker_concurrency: 2,
      fault_rate: FAULT_RATE,
      seconds: Math.round(seconds),
      pairs_per_s: Math.round(plan.pairs / seconds),
      status: check.status,
      outcome_rows: check.outcomeRows,
      result_rows: check.resultRows,
      recorded_failures: check.recordedFailures,
      error_outcomes: errors,
      statuses: Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])),
      server_requests: server.requests.length,
      duplicate_calls: check.duplicateCalls,
      memory: flat,
    };
    mkdirSync(join(ROOT, 'reports/reliability'), { recursive: true });
    writeFileSync(join(ROOT, 'reports/reliability/soak.json'), `${JSON.stringify({ summary, samples }, null, 2)}\n`);

    expect(check.status).toBe('completed');
    expect(check.outcomeRows).toBe(plan.pairs);
    expect(check.recordedFailures).toBe(0);
    expect(errors / plan.pairs).toBeGreaterThan(FAULT_RATE * 0.6);
    expect(errors / plan.pairs).toBeLessThan(FAULT_RATE * 1.4);
    expect(server.requests.length - plan.pairs).toBe(check.duplicateCalls);
    expect(workers.every((w) => w.alive())).toBe(true);
    expect(flat.map((f) => f.ok)).toEqual(workers.map(() => true));
  },
  40 * 60_000,
);
