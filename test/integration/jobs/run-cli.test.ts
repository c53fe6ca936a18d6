import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type CliContext } from '../../../src/cli/context.js';
import { main } from '../../../src/cli/main.js';
import { createTestDatabase } from '../../helpers/stores.js';
import { createProcessors } from '../../../src/jobs/processors.js';
import { createChatClient } from '../../../src/providers/index.js';
import { startWorker } from '../../../src/queue/bullmq-runner.js';
import { DEFAULT_QUEUE } from '../../../src/queue/connection.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../../helpers/redis.js';
import { openStore } from '../../../src/store/db.js';
import { DEMO, seedDemo } from './fixtures.js';

interface Captured {
  ctx: CliContext;
  out: () => string;
  err: () => string;
}

function capture(env: NodeJS.ProcessEnv): Captured {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  return { ctx: createContext({ env, stdout, stderr }), out: () => out, err: () => err };
}

describe('routelab run / runs / schedule', () => {
  let url: string;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    const dbase = await createTestDatabase({ migrated: true });
    url = dbase.url;
    drop = dbase.drop;
    const store = await openStore({ url, max: 2 });
    await seedDemo(store.db, { goldenCases: 8 });
    await store.close();
  });
  afterEach(async () => drop());

  const routelab = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const c = capture({ DATABASE_URL: url, ...env });
    const code = await main(['node', 'routelab', ...args], c.ctx);
    return { code, out: c.out(), err: c.err() };
  };

  it('run --json prints exactly the summary on stdout; runs list and show find it', async () => {
    const r = await routelab([
      'run',
      '--policy',
      'support-assistant',
      '--variant',
      `${DEMO}/policies/support-assistant-cheap.yaml`,
      '--golden',
      'demo-golden',
      '--json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as Record<string, unknown> & { variants: Array<Record<string, unknown>> };
    expect(Object.keys(json).slice(0, 8)).toEqual([
      'run_id',
      'status',
      'pairs',
      'model_calls',
      'cache_hits',
      'recorded',
      'cost_usd',
      'variants',
    ]);
    expect(json).toMatchObject({ status: 'completed', recorded: 0 });
    expect(json.variants.map((v) => [v.name, v.version, v.cases])).toEqual([
      ['support-assistant', 1, 8],
      ['support-assistant-cheap', null, 8],
    ]);
    expect(Object.keys(json.variants[0] ?? {})).toEqual(['name', 'version', 'cases', 'quality', 'cost_per_1k', 'p95_ms', 'error_rate']);

    const list = await routelab(['runs', 'list']);
    expect(list.out).toContain(String(json.run_id));
    const show = await routelab(['runs', 'show', String(json.run_id)]);
    expect(show.code).toBe(0);
    expect(show.out).toMatch(/support-assistant \(baseline\)/);
    for (const line of show.out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(show.out).toContain(`report: not written yet (\`routelab report ${String(json.run_id)}\`)`);

    // Once the report is written, `runs show` links it.
    const reportDir = join('reports', String(json.run_id));
    try {
      expect((await routelab(['report', String(json.run_id)])).code).toBe(0);
      const linked = await routelab(['runs', 'show', String(json.run_id)]);
      expect(linked.out).toContain(`report: ${join(reportDir, 'report.md')}`);
      expect(existsSync(join(reportDir, 'report.md'))).toBe(true);
    } finally {
      rmSync(reportDir, { recursive: true, force: true });
    }
  });

  it('with REDIS_URL, run enqueues a flow that workers finish; --detach prints only the run id', async () => {
    const prefix = testPrefix();
    const store = await openStore({ url, max: 2 });
    const chat = createChatClient({ env: {} });
    const worker = startWorker(
      { url: REDIS_URL, prefix, queueName: DEFAULT_QUEUE },
      createProcessors(store.db, { chat, clock: { now: () => Date.now() } }),
    );
    try {
      const env = { REDIS_URL, ROUTELAB_QUEUE_PREFIX: prefix };
      const r = await routelab(['run', '--policy', 'support-assistant', '--golden', 'demo-golden', '--json'], env);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ status: 'completed', pairs: 24 });
      const d = await routelab(['run', '--policy', 'support-assistant', '--golden', 'demo-golden', '--detach'], env);
      expect(d.code).toBe(0);
      expect(d.out).toMatch(/^r\d{6}-[0-9a-f]{6}\n$/);
    } finally {
      await worker.close();
      await chat.close();
      await store.close();
      await dropPrefix(prefix);
    }
  });

  it('bad input exits 2 naming the flag', async () => {
    expect(await routelab(['run', '--policy', 'support-assistant'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--sample S, --golden G or --outcomes D/),
    });
    expect(await routelab(['run', '--policy', 'support-assistant', '--golden', 'demo-golden', '--holdout', '1.5'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--holdout/),
    });
    expect(await routelab(['run', '--policy', 'nope', '--golden', 'demo-golden'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/policy "nope" not found/),
    });
    expect(await routelab(['run', '--policy', 'support-assistant', '--golden', 'demo-golden', '--detach'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--detach needs REDIS_URL/),
    });
    expect(await routelab(['runs', 'show', 'r000000-000000'])).toMatchObject({ code: 2 });
  });

  it('schedule nightly without REDIS_URL refuses, says why and prints the crontab line', async () => {
    const r = await routelab([
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
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/REDIS_URL is not set/);
    expect(r.err).toMatch(
      /CRON_TZ=Europe\/Paris\n0 2 \* \* \* .*routelab traffic sample .*--size 200.*routelab run --policy support-assistant --sample/,
    );
    // Everything the job needs is on the line; the store by reference, its URL (a secret) never printed.
    const withVariant = await routelab([
      'schedule',
      'nightly',
      '--cron',
      '0 2 * * *',
      '--policy',
      'support-assistant',
      '--variant',
      'support-cheap',
      '--sample-from-last',
      '24h',
      '--size',
      '50',
      '--refresh-rate',
      '0.2',
    ]);
    expect(withVariant.err).toMatch(/export DATABASE_URL="\$\{DATABASE_URL:\?[^}]*\}"/);
    expect(withVariant.err).toMatch(
      /routelab run --policy support-assistant --variant support-cheap --sample "\$S" --holdout 0\.3 --refresh-rate 0\.2 --seed "\$S"/,
    );
    expect(withVariant.err).not.toContain(url);
  });
});
