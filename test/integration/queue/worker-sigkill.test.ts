import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createRun } from '../../../src/jobs/create-run.js';
import { planRun } from '../../../src/jobs/plan-run.js';
import { runReport } from '../../../src/jobs/run-summary.js';
import { waitForRun } from '../../../src/jobs/wait-for-run.js';
import { enqueueRun } from '../../../src/queue/bullmq-runner.js';
import { DEFAULT_QUEUE } from '../../../src/queue/connection.js';
import { loadCatalogFile } from '../../../src/providers/index.js';
import { openStore, type Store } from '../../../src/store/db.js';
import { upsertModels } from '../../../src/store/repos/catalog-repo.js';
import { spawnWorkerEntry } from '../../helpers/cli-bin.js';
import { createTestDatabase } from '../../helpers/stores.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../../helpers/redis.js';
import { DEMO, seedDemo, weightVariants } from '../jobs/fixtures.js';
import { HANG_MS } from '../../helpers/waits.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A demo fleet that really sleeps a little per call, so a worker can be caught mid-run. */
function slowCatalog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'routelab-slow-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(`${DEMO}/answers.jsonl`, join(dir, 'answers.jsonl'));
  writeFileSync(join(dir, 'fleet.yaml'), readFileSync(`${DEMO}/fleet.yaml`, 'utf8').replace(/^time_scale: .*$/m, 'time_scale: 0.02'));
  cpSync(`${DEMO}/catalog.yaml`, join(dir, 'catalog.yaml'));
  return join(dir, 'catalog.yaml');
}

function spawnWorker(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawnWorkerEntry(['--concurrency', '2'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.resume();
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

/** Wait on a condition (polled), failing with what was awaited. */
async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 25 },
  );
}

let store: Store;
let env: NodeJS.ProcessEnv;
let runId: string;
let pairs: number;

beforeEach(async () => {
  const dbase = await createTestDatabase({ migrated: true });
  cleanups.push(() => dbase.drop());
  store = await openStore({ url: dbase.url, max: 4 });
  cleanups.push(() => store.close());
  const prefix = testPrefix();
  cleanups.push(() => dropPrefix(prefix));
  const demo = await seedDemo(store.db, { goldenCases: 24 });
  await upsertModels(store.db, await loadCatalogFile(slowCatalog()));
  const { run_id } = await createRun(
    store.db,
    { policy: demo.policy, variants: weightVariants(1), source: { kind: 'golden', name: demo.golden } },
    { clock: { now: () => Date.now() } },
  );
  const plan = await planRun(store.db, run_id, { chunkSize: 2 });
  await enqueueRun({ url: REDIS_URL, prefix, queueName: DEFAULT_QUEUE }, run_id, plan.chunks);
  runId = run_id;
  pairs = plan.pairs;
  env = { ...process.env, DATABASE_URL: dbase.url, REDIS_URL, ROUTELAB_QUEUE_PREFIX: prefix, ROUTELAB_WORKER_LOCK_MS: '1000' };
});

it('a worker SIGKILLed mid-run: another worker finishes the run with every result exactly once', async () => {
  const run_id = runId;
  const first = spawnWorker(env);
  // The rescuer boots alongside but is frozen before it can reach Redis (node needs far longer than
  // this to load the worker), so only the first worker takes jobs until it is killed.
  const second = spawnWorker(env);
  second.kill('SIGSTOP');
  const stored = async () =>
    Number((await store.rows<{ n: number }>(sql`select count(*)::int as n from run_outcomes where run_id = ${run_id}`))[0]?.n);
  await until(async () => (await stored()) > 0, HANG_MS, 'the first worker to store outcomes');
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  expect(await stored()).toBeLessThan(pairs);

  second.kill('SIGCONT');
  await waitForRun(store.db, run_id, { pollMs: 50 });

  const report = await runReport(store.db, run_id);
  expect(report?.status).toBe('completed');
  expect(report?.coverage).toBe(1);
  expect(await stored()).toBe(pairs);
  const rows = await store.rows<{ n: number; keys: number; failures: number }>(
    sql`select count(*)::int as n, count(distinct (variant_idx, case_id))::int as keys, (count(*) filter (where failure is not null))::int as failures
          from variant_results where run_id = ${run_id}`,
  );
  expect(rows[0]).toEqual({ n: 2 * 24, keys: 2 * 24, failures: 0 });
  // Calls lost with the killed worker may be repeated, but each pair is stored and counted once.
  expect((report?.model_calls ?? 0) + (report?.cache_hits ?? 0)).toBe(pairs);
});
