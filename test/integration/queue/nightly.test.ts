import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProcessors } from '../../../src/jobs/processors.js';
import { runReport } from '../../../src/jobs/run-summary.js';
import { waitForRun } from '../../../src/jobs/wait-for-run.js';
import { createChatClient, type ChatClient } from '../../../src/providers/index.js';
import { startWorker } from '../../../src/queue/bullmq-runner.js';
import { DEFAULT_QUEUE, type QueueConfig } from '../../../src/queue/connection.js';
import { runInProcess } from '../../../src/queue/in-process-runner.js';
import { listNightly, removeNightly, upsertNightly } from '../../../src/queue/schedules.js';
import { importTraffic } from '../../../src/traffic/import.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../../helpers/redis.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';
import { DEMO, seedDemo } from '../jobs/fixtures.js';
import { HANG_MS } from '../../helpers/waits.js';

const clock = { now: () => Date.now() };
const DAY = 86_400_000;

describe('nightly schedule', () => {
  let store: TestStore;
  let chat: ChatClient;
  let config: QueueConfig;
  let dir: string;

  beforeEach(async () => {
    store = await openTestStore('postgres');
    chat = createChatClient({ env: {} });
    config = { url: REDIS_URL, prefix: testPrefix(), queueName: DEFAULT_QUEUE };
    dir = mkdtempSync(join(tmpdir(), 'routelab-nightly-'));
    await seedDemo(store.db, { goldenCases: 220 });
    // The first 200 requests of the demo traffic (2026-11-14 onwards).
    const file = join(dir, 'traffic.jsonl');
    writeFileSync(file, `${readFileSync(`${DEMO}/traffic.jsonl`, 'utf8').split('\n').slice(0, 200).join('\n')}\n`);
    await importTraffic(store, [file]);
  });
  afterEach(async () => {
    await chat.close();
    await store.cleanup();
    await dropPrefix(config.prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a slot triggered twice makes one run, which samples the window and scores it against the golden set', async () => {
    const processors = createProcessors(store.db, { chat, clock, reportRoot: dir });
    const payload = { policy: 'support-assistant', variants: [], window_ms: 30 * DAY, size: 12, golden: 'demo-golden', holdout: 0.3 };
    const slot = '2026-11-21T02:00:00.000Z';
    const [a, b] = await Promise.all([processors.nightly(payload, slot), processors.nightly(payload, slot)]);
    const runs = await store.rows<{ id: string }>(sql`select id from runs where schedule_slot = ${slot}`);
    expect(runs).toHaveLength(1);
    const planned = a ?? b;
    expect(planned?.run_id).toBe(runs[0]?.id);

    await runInProcess(processors, planned?.run_id ?? '', planned?.chunks ?? []);
    const report = await runReport(store.db, planned?.run_id ?? '');
    expect(report).toMatchObject({ status: 'completed', source: { kind: 'sample' } });
    expect(report?.variants[0]?.cases).toBe(12);
    // Two sampled requests with the same input share one cached answer.
    expect((report?.model_calls ?? 0) + (report?.cache_hits ?? 0)).toBe(report?.pairs);
    // The slot's run went through the whole loop, each step recorded on it.
    const steps = await store.rows<{ step: string; status: string }>(
      sql`select step, status from run_steps where run_id = ${planned?.run_id ?? ''} order by ord`,
    );
    expect(steps.map((s) => `${s.step}:${s.status}`)).toEqual([
      'sample:ok',
      'run:ok',
      'detect:ok',
      'propose:ok',
      'report:ok',
      'notify:skipped',
    ]);
    expect(existsSync(join(dir, planned?.run_id ?? '', 'report.md'))).toBe(true);
  });

  it('registering the same schedule from two processes keeps one; remove deletes it', async () => {
    const payload = { policy: 'support-assistant', variants: [], window_ms: DAY, size: 5, holdout: 0.3 };
    await Promise.all([
      upsertNightly(config, '0 2 * * *', 'Europe/Paris', payload),
      upsertNightly(config, '0 2 * * *', 'Europe/Paris', payload),
    ]);
    const list = await listNightly(config);
    expect(list.map((s) => [s.id, s.cron, s.tz])).toEqual([['nightly-support-assistant', '0 2 * * *', 'Europe/Paris']]);
    expect(list[0]?.next).toMatch(/T0[01]:00:00/);
    expect(await removeNightly(config, 'support-assistant')).toBe(true);
    expect(await listNightly(config)).toEqual([]);
  });

  it('a worker picks up a fired schedule and completes its run', async () => {
    const worker = startWorker(config, createProcessors(store.db, { chat, clock, reportRoot: dir }), { concurrency: 2 });
    try {
      // Scored against the golden set: without one, a sampled request whose original call failed has
      // no reference and is left out (noted on the run), and which requests are drawn depends on the
      // slot's time — the case count would depend on the clock.
      await upsertNightly(config, '* * * * * *', undefined, {
        policy: 'support-assistant',
        variants: [],
        window_ms: 30 * DAY,
        size: 4,
        golden: 'demo-golden',
        holdout: 0.3,
      });
      // The first fired slot's run appears; stop the schedule there so slots do not pile up, then
      // wait for that run to finish.
      const created = await vi.waitFor(
        async () => {
          const rows = await store.rows<{ id: string }>(
            sql`select id from runs where schedule_slot is not null order by created_at limit 1`,
          );
          if (rows.length === 0) throw new Error('the schedule fired no run yet');
          return rows;
        },
        { timeout: HANG_MS, interval: 50 },
      );
      await removeNightly(config, 'support-assistant');
      const runId = created[0]?.id ?? '';
      await waitForRun(store.db, runId, { pollMs: 50 });
      expect(await runReport(store.db, runId)).toMatchObject({ status: 'completed', source: { kind: 'sample' } });
      // Every sampled case has a result; a recorded failure would show here with its reason.
      const results = await store.rows<{ case_id: string; failure: string | null }>(
        sql`select case_id, failure from variant_results where run_id = ${runId}`,
      );
      expect(results.filter((r) => r.failure !== null)).toEqual([]);
      expect(results).toHaveLength(4);
      expect((await runReport(store.db, runId))?.variants[0]?.cases).toBe(4);
    } finally {
      await removeNightly(config, 'support-assistant');
      await worker.close();
    }
  });
});
