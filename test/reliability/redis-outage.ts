import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { waitForRun } from '../../src/jobs/wait-for-run.js';
import { enqueueRun } from '../../src/queue/bullmq-runner.js';
import { DEFAULT_QUEUE, type QueueConfig } from '../../src/queue/connection.js';
import { openStore } from '../../src/store/db.js';
import { createTestDatabase } from '../helpers/stores.js';
import { testPrefix } from '../helpers/redis.js';
import { assertExactlyOnce, type RunCheck } from './checker.js';
import { cleanupList, ROOT, spawnWorker, startPrivateRedis, until } from './harness.js';
import { startModelServer } from './model-server.js';
import { CANARY, CANARY_ENV, seedRun } from './run-fixture.js';
import { HANG_MS } from '../helpers/waits.js';

/**
 * The Redis-restart scenario, shared by the 2 s outage (test/reliability) and the 15 s one
 * (test/reliability/slow): two real worker processes, a Redis of the scenario's own with an
 * append-only file, killed with SIGKILL mid-run and started again after `outageMs`. The workers are
 * never restarted; the run must complete with every result exactly once.
 */
/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export async function redisRestartScenario(
  outageMs: number,
  cleanups: ReturnType<typeof cleanupList>,
  timeouts: { run: number },
): Promise<{ check: RunCheck; logs: string[]; outageCpuShare: number[] }> {
  const dbase = await createTestDatabase({ migrated: true });
  cleanups.add(() => dbase.drop());
  const store = await openStore({ url: dbase.url, max: 4 });
  cleanups.add(() => store.close());
  const redis = await startPrivateRedis({ persist: true });
  cleanups.add(() => redis.stop());
  const server = await startModelServer({ delayMs: 40 });
  cleanups.add(() => server.close());
  const seeded = await seedRun(store.db, { baseUrl: server.baseUrl, cases: 80, variants: 2, chunkSize: 4 });
  const queue: QueueConfig = { url: redis.url, prefix: testPrefix(), queueName: DEFAULT_QUEUE };
  await enqueueRun(queue, seeded.runId, seeded.chunks);
  const env = {
    ...process.env,
    DATABASE_URL: dbase.url,
    REDIS_URL: redis.url,
    ROUTELAB_QUEUE_PREFIX: queue.prefix,
    ROUTELAB_WORKER_LOCK_MS: '3000',
    [CANARY_ENV]: CANARY,
  };
  const workers = [spawnWorker(env, 2), spawnWorker(env, 2)];
  for (const w of workers) cleanups.add(() => w.kill());

  const stored = async () =>
    Number((await store.rows<{ n: number }>(sql`select count(*)::int as n from run_outcomes where run_id = ${seeded.runId}`))[0]?.n ?? 0);
  await until(async () => (await stored()) >= 8, HANG_MS, 'the workers to store their first outcomes');
  await redis.kill();
  const atKill = await stored();
  const cpuBefore = workers.map((w) => cpuSeconds(w.child.pid));
  // The outage itself: the scenario's parameter, not a wait for a condition.
  await new Promise((r) => setTimeout(r, outageMs));
  expect(workers.every((w) => w.alive())).toBe(true);
  // No hot reconnect loop: a worker waiting for Redis uses a small share of one core (the share
  // also covers finishing the provider calls it had in flight).
  const outageCpuShare = workers.map(
    (w, i) => Math.round(((cpuSeconds(w.child.pid) - (cpuBefore[i] ?? 0)) / (outageMs / 1000)) * 100) / 100,
  );
  for (const share of outageCpuShare) expect(share).toBeLessThan(0.5);
  await redis.start();

  await waitForRun(store.db, seeded.runId, { pollMs: 100, timeoutMs: timeouts.run });
  expect(workers.every((w) => w.alive())).toBe(true);
  const check = await assertExactlyOnce(store, seeded.runId);
  expect(atKill).toBeLessThan(seeded.pairs);
  expect(check.status).toBe('completed');
  expect(check.recordedFailures).toBe(0);
  const logs = workers.map((w) => w.log());
  for (const log of logs) expect(log).not.toContain(CANARY);
  mkdirSync(join(ROOT, 'reports/reliability'), { recursive: true });
  writeFileSync(
    join(ROOT, `reports/reliability/redis-restart-${outageMs / 1000}s.json`),
    `${JSON.stringify({ outage_ms: outageMs, pairs: seeded.pairs, stored_at_kill: atKill, outage_cpu_share: outageCpuShare, duplicate_calls: check.duplicateCalls }, null, 2)}\n`,
  );
  return { check, logs, outageCpuShare };
}
