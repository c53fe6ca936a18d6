import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { Queue } from 'bullmq';
import { afterEach, expect, it, vi } from 'vitest';
import { waitForRun } from '../../src/jobs/wait-for-run.js';
import { DEFAULT_QUEUE, connectionOptions, type QueueConfig } from '../../src/queue/connection.js';
import { NightlyPayload } from '../../src/queue/payloads.js';
import { openStore } from '../../src/store/db.js';
import { DEMO, seedDemo } from '../integration/jobs/fixtures.js';
import { dropRules, seedReview } from '../integration/review/seed.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';
import { createTestDatabase, openTestStore } from '../helpers/stores.js';
import { assertExactlyOnce } from './checker.js';
import { cleanupList, hasStackTrace, removeDir, runCli, tempDir } from './harness.js';
import { inProcessWorker } from './queue-fixture.js';
import { cli } from './surfaces.js';
import { HANG_MS } from '../helpers/waits.js';

/**
 * Races a nightly deployment really has: two reviewers promoting the same proposal at the same
 * moment (two processes), two hosts registering the same nightly schedule, and one nightly slot
 * triggered twice. Each must end with one promotion, one schedule, one run.
 */

const cleanups = cleanupList();
afterEach(() => cleanups.run());

it('two processes promote the same approved proposal at once: one promotion, one export, one active version; the other is told it is stale', async () => {
  const store = await openTestStore('postgres');
  cleanups.add(() => store.cleanup());
  const seeded = await seedReview(store.db);
  const id = seeded.proposalIds[0] as string;
  // The watsonx export has no rules: promote a weights-only proposal.
  await dropRules(store.db, id);
  expect((await cli(store, ['approve', id, '--as', 'alice', '--comment', 'ok'])).code).toBe(0);
  const sink = tempDir('sink');
  cleanups.add(() => removeDir(sink));
  const env = (who: string) => ({ ...process.env, DATABASE_URL: store.url, REDIS_URL: '', ROUTELAB_PROMOTE_DIR: sink, ROUTELAB_USER: who });

  const [a, b] = await Promise.all([runCli(['promote', id], env('alice')), runCli(['promote', id], env('bob'))]);
  const results = [a, b].sort((x, y) => (x.code ?? 9) - (y.code ?? 9));
  expect(results.map((r) => hasStackTrace(r.stderr))).toEqual([false, false]);
  expect(results[0]?.code).toBe(0);
  expect(results[0]?.stdout).toMatch(/promoted .* v1 → v2 \(active\)/);
  expect(results[1]?.code).not.toBe(0);
  expect(results[1]?.signal).toBeNull();
  // Told why: the proposal was promoted meanwhile (stale), or the winner's deploy is still running.
  expect(results[1]?.stderr).toMatch(/stale|is being deployed by/);

  const promotions = await store.rows<{ n: number }>(sql`select count(*)::int as n from promotions`);
  expect(promotions[0]?.n).toBe(1);
  const active = await store.rows<{ version: number }>(
    sql`select version from policy_versions where policy_id = ${seeded.policyId} and is_active`,
  );
  expect(active.map((v) => Number(v.version))).toEqual([2]);
  const versions = await store.rows<{ n: number }>(
    sql`select count(*)::int as n from policy_versions where policy_id = ${seeded.policyId}`,
  );
  expect(versions[0]?.n).toBe(2);
  expect(readdirSync(sink)).toHaveLength(1);
});

it('two processes register the same nightly schedule at once: one schedule, one next job', async () => {
  const prefix = testPrefix();
  cleanups.add(() => dropPrefix(prefix));
  const env = { ...process.env, REDIS_URL, ROUTELAB_QUEUE_PREFIX: prefix, DATABASE_URL: '' };
  const args = [
    'schedule',
    'nightly',
    '--cron',
    '0 2 * * *',
    '--tz',
    'Europe/Paris',
    '--policy',
    'support-assistant',
    '--sample-from-last',
    '24h',
    '--size',
    '200',
  ];
  const [a, b] = await Promise.all([runCli(args, env), runCli(args, env)]);
  expect([a.code, b.code]).toEqual([0, 0]);
  const list = await runCli(['schedule', 'list', '--json'], env);
  const schedules = JSON.parse(list.stdout) as Array<{ id: string; cron: string }>;
  expect(schedules.map((s) => s.id)).toEqual(['nightly-support-assistant']);
  const queue = new Queue(DEFAULT_QUEUE, { connection: connectionOptions(REDIS_URL), prefix });
  cleanups.add(() => queue.close());
  const counts = await queue.getJobCounts('delayed', 'wait', 'active');
  expect((counts.delayed ?? 0) + (counts.wait ?? 0) + (counts.active ?? 0)).toBe(1);
});

it('one nightly slot triggered twice, on two workers at once: one sample, one run, every result once', async () => {
  const dbase = await createTestDatabase({ migrated: true });
  cleanups.add(() => dbase.drop());
  const store = await openStore({ url: dbase.url, max: 6 });
  cleanups.add(() => store.close());
  const demo = await seedDemo(store.db, { goldenCases: 24 });
  expect((await cli(store, ['traffic', 'import', '--file', join(DEMO, 'traffic.jsonl')])).code).toBe(0);

  const queueConfig: QueueConfig = { url: REDIS_URL, prefix: testPrefix(), queueName: DEFAULT_QUEUE };
  cleanups.add(() => dropPrefix(queueConfig.prefix));
  const workers = [inProcessWorker(store.db, queueConfig), inProcessWorker(store.db, queueConfig)];
  for (const w of workers) cleanups.add(() => w.close());
  const queue = new Queue(DEFAULT_QUEUE, { connection: connectionOptions(REDIS_URL), prefix: queueConfig.prefix });
  cleanups.add(() => queue.close());

  const slotMs = Date.parse('2026-11-21T02:00:00.000Z');
  const payload = NightlyPayload.parse({ policy: demo.policy, window_ms: 14 * 86_400_000, size: 12, golden: demo.golden });
  // The same slot delivered twice (a scheduler double-fire, a manual re-trigger): two jobs, one slot.
  await Promise.all(['a', 'b'].map((k) => queue.add('nightly', payload, { jobId: `nightly-dup-${k}`, prevMillis: slotMs })));

  const runsOfSlot = async () =>
    store.rows<{ id: string }>(sql`select id from runs where schedule_slot = ${new Date(slotMs).toISOString()}`);
  const run = await vi.waitFor(
    async () => {
      const [found] = await runsOfSlot();
      if (!found) throw new Error('no run for the slot yet');
      return found;
    },
    { timeout: HANG_MS, interval: 50 },
  );
  await waitForRun(store.db, run.id, { pollMs: 50, timeoutMs: HANG_MS });
  // Both triggers were handled (neither failed), yet there is one sample and one run.
  const done = async () => (await queue.getJobCounts('completed')).completed;
  expect(await done()).toBeGreaterThanOrEqual(2);
  expect(await runsOfSlot()).toHaveLength(1);
  expect((await store.rows<{ n: number }>(sql`select count(*)::int as n from samples`))[0]?.n).toBe(1);
  const check = await assertExactlyOnce(store, run.id);
  expect(check.status).toBe('completed');
  expect(check.duplicateCalls).toBe(0);
  expect(check.counters.modelCalls + check.counters.cacheHits).toBe(check.plannedPairs);
});
