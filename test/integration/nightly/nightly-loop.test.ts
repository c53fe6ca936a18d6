import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { testContext } from '../../helpers/cli-context.js';
import { completion, startFaultServer, type FaultServer } from '../../helpers/fault-server.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';
import { askedNumber, seedDrift } from './fixtures.js';

const NIGHT = 86_400_000;
const T0 = Date.parse('2026-11-21T02:00:00Z');
const SECRET_PATH = '/hooks/T0KEN-s3cr3t-value';

/** A loopback webhook receiver: records each POST body; answers `status`. */
async function startReceiver(): Promise<{ url: string; bodies: string[]; status: { code: number }; close(): Promise<void> }> {
  const bodies: string[] = [];
  const status = { code: 200 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += String(c)));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(status.code).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}${SECRET_PATH}`,
    bodies,
    status,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('a nightly is the whole loop: run → detect → propose → report → notify', () => {
  let store: TestStore;
  let server: FaultServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let dir: string;
  let wrong = false;
  beforeEach(async () => {
    wrong = false;
    store = await openTestStore('pglite');
    server = await startFaultServer((_n, req) => ({
      kind: 'json',
      status: 200,
      body: completion(wrong ? 'hmm' : askedNumber(req.body), { model: 'drift/m' }),
    }));
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'routelab-nightly-'));
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
    await store.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const night = async (n: number, extra: string[] = []) => {
    const ctx = testContext(store, { ROUTELAB_ALERT_WEBHOOK: receiver.url }, { clock: { now: () => T0 + n * NIGHT } });
    const args = [
      'run',
      '--policy',
      'drift-policy',
      '--golden',
      'drift-golden',
      '--seed',
      `night-${n}`,
      '--refresh-rate',
      '1',
      '--nightly',
      '--alert-on',
      'regression',
      '--report-dir',
      join(dir, `n${n}`),
      '--json',
      ...extra,
    ];
    const code = await main(['node', 'routelab', ...args], ctx);
    return {
      code,
      json: JSON.parse(ctx.out()) as {
        run_id: string;
        steps: Array<{ step: string; status: string; detail: string | null }>;
        regressions: Array<Record<string, unknown>>;
      },
      err: ctx.err(),
    };
  };

  it('flags the night an endpoint changed, exits 1, posts the webhook, and the report leads with it', async () => {
    await seedDrift(store.db, server.baseUrl, { cases: 24 });
    for (const n of [1, 2, 3]) {
      const ok = await night(n);
      expect(ok.code).toBe(0);
      expect(ok.json.steps.map((s) => `${s.step}:${s.status}`)).toEqual(['run:ok', 'detect:ok', 'propose:ok', 'report:ok', 'notify:ok']);
    }
    expect(receiver.bodies).toEqual([]);

    wrong = true;
    const bad = await night(4);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/1 regression\(s\) flagged/);
    expect(bad.json.regressions).toEqual([expect.objectContaining({ model: 'drift/m', segment: 'all', metric: 'quality', diff: -1 })]);
    await expect.poll(() => receiver.bodies.length).toBe(1);
    const alert = JSON.parse(receiver.bodies[0] ?? '{}') as { run_id: string; regressions: Array<{ model: string; metric: string }> };
    expect(alert).toMatchObject({
      kind: 'routelab.regression',
      run_id: bad.json.run_id,
      regressions: [{ model: 'drift/m', metric: 'quality' }],
    });
    // The webhook URL is a secret: it is in no output, no step, no report.
    const report = readFileSync(join(dir, 'n4', 'report.md'), 'utf8');
    for (const text of [JSON.stringify(bad.json), bad.err, report, JSON.stringify(await store.rows(sql`select * from run_steps`))])
      expect(text).not.toContain('s3cr3t');
    // The report leads with the regression and shows the trend chart.
    expect(report.indexOf('## Regressions')).toBeLessThan(report.indexOf('## Variants'));
    expect(report).toMatch(/\*\*1 regression\(s\)\*\*/);
    expect(report).toContain('![Quality per model over the recent runs](trend.svg)');
    expect(readFileSync(join(dir, 'n4', 'trend.svg'), 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*<polyline[\s\S]*<\/svg>\n$/);

    // trends reads every run by its id, oldest first, with the drop on the last one.
    const t = testContext(store);
    expect(await main(['node', 'routelab', 'trends', '--policy', 'drift-policy', '--model', 'drift/m', '--json'], t)).toBe(0);
    const trend = JSON.parse(t.out()) as {
      runs: Array<{ run_id: string; models: Array<{ name: string; quality: number; quality_ci: [number, number] }> }>;
    };
    expect(trend.runs).toHaveLength(4);
    expect(trend.runs[3]?.run_id).toBe(bad.json.run_id);
    expect(trend.runs.map((r) => r.models[0]?.quality)).toEqual([1, 1, 1, 0]);
  });

  it('a failed step shows in runs list and runs show; a receiver that fails is a failed notify', async () => {
    await seedDrift(store.db, server.baseUrl, { cases: 24 });
    await night(1);
    wrong = true;
    receiver.status.code = 500;
    // A file where the report directory should be: the report step fails, the others still run.
    writeFileSync(join(dir, 'n2'), 'not a directory');
    const r = await night(2);
    expect(r.code).toBe(1);
    const steps = new Map(r.json.steps.map((s) => [s.step, s]));
    expect(steps.get('report')?.status).toBe('failed');
    expect(steps.get('propose')?.status).toBe('ok');
    expect(steps.get('notify')).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/\$ROUTELAB_ALERT_WEBHOOK failed: the receiver answered HTTP 500/),
    });

    const list = testContext(store);
    expect(await main(['node', 'routelab', 'runs', 'list'], list)).toBe(0);
    expect(list.out()).toMatch(new RegExp(`${r.json.run_id}\\s+completed ✗`));
    expect(list.out()).toContain(`✗ ${r.json.run_id}: report, notify failed`);
    const listJson = testContext(store);
    await main(['node', 'routelab', 'runs', 'list', '--json'], listJson);
    expect(
      (JSON.parse(listJson.out()) as Array<{ id: string; failed_steps: string[] }>).find((x) => x.id === r.json.run_id)?.failed_steps,
    ).toEqual(['report', 'notify']);
    const show = testContext(store);
    expect(await main(['node', 'routelab', 'runs', 'show', r.json.run_id], show)).toBe(0);
    expect(show.out()).toMatch(/✗ report/);
    expect(show.out()).toMatch(/✗ notify/);
  });
});
