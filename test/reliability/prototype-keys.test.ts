import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createProcessors } from '../../src/jobs/processors.js';
import { createChatClient } from '../../src/providers/index.js';
import { runInProcess } from '../../src/queue/in-process-runner.js';
import { openTestStore } from '../helpers/stores.js';
import { checkRun } from './checker.js';
import { cliScenarioSetup } from './cli-scenario.js';
import { argv, cliContext, removeDir, tempDir } from './harness.js';
import { startModelServer } from './model-server.js';
import { CANARY, CANARY_ENV, seedRun } from './run-fixture.js';

/**
 * Keys that come from data and are also names on Object.prototype — models called `constructor`
 * and `__proto__`, a stratum `__proto__`, metadata keys `constructor`, `toString`, `__proto__` —
 * travel through simulate, a run, a sample and an import as ordinary keys. The checker: every such
 * key is present with the number it should hold, and no value is a function's text.
 */

// Cleanups after each test; the CLI's modules are loaded once before all (cli-scenario.ts).
const cleanups = cliScenarioSetup();

const HOSTILE = ['constructor', '__proto__'];
const noFunctionText = (json: string) => expect(json).not.toMatch(/native code|function/);

it('models named constructor and __proto__ are simulated like any other', async () => {
  const store = await openTestStore('pglite');
  cleanups.add(() => store.cleanup());
  await seedRun(store.db, { baseUrl: 'http://127.0.0.1:9', cases: 1, models: HOSTILE, variants: 1, chunkSize: 10 });

  const ctx = cliContext(store);
  expect(await main(argv('policy', 'simulate', '-n', 'rel-policy', '--requests', '200', '--seed', '1', '--json'), ctx)).toBe(0);
  noFunctionText(ctx.out());
  const sim = JSON.parse(ctx.out()) as { served: Record<string, unknown>; attempts: Record<string, unknown> };
  expect(Object.keys(sim.served).sort()).toEqual([...HOSTILE].sort());
  expect(Object.values(sim.served).every((n) => typeof n === 'number' && n > 0)).toBe(true);
  expect(Object.values(sim.served).reduce((s: number, n) => s + (n as number), 0)).toBe(200);
});

it('a run over models named constructor and __proto__ stores their served shares as numbers', async () => {
  const store = await openTestStore('pglite');
  cleanups.add(() => store.cleanup());
  const server = await startModelServer({});
  cleanups.add(() => server.close());
  const seeded = await seedRun(store.db, { baseUrl: server.baseUrl, cases: 4, models: HOSTILE, variants: 1, chunkSize: 10 });
  const chat = createChatClient({ env: { [CANARY_ENV]: CANARY } });
  cleanups.add(() => chat.close());
  await runInProcess(createProcessors(store.db, { chat, clock: { now: () => Date.now() } }), seeded.runId, seeded.chunks);
  const check = await checkRun(store, seeded.runId);
  expect(check.problems).toEqual([]);
  expect(check.status).toBe('completed');
  const rows = await store.rows<{ served: unknown }>(
    sql`select served::text as served from variant_results where run_id = ${seeded.runId}`,
  );
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    const text = String(r.served);
    noFunctionText(text);
    const served = JSON.parse(text) as Record<string, unknown>;
    for (const v of Object.values(served)) expect(typeof v).toBe('number');
    const total = Object.values(served).reduce((s: number, n) => s + (n as number), 0);
    expect(total).toBeLessThanOrEqual(1 + 1e-9);
  }
  // Loadbalance over both: each hostile name serves some of the baseline's traffic.
  const baseline = await store.rows<{ served: unknown }>(
    sql`select served::text as served from variant_results where run_id = ${seeded.runId} and variant_idx = 0`,
  );
  const keys = new Set(baseline.flatMap((r) => Object.keys(JSON.parse(String(r.served)) as object)));
  expect([...keys].sort()).toEqual([...HOSTILE].sort());
});

it('metadata keys constructor, toString, __proto__ survive import, and a stratum __proto__ is sampled', async () => {
  const store = await openTestStore('pglite');
  cleanups.add(() => store.cleanup());
  const dir = tempDir('proto');
  cleanups.add(() => removeDir(dir));
  const line = (i: number, intent: string) =>
    `{"timestamp": "2026-11-20T08:${String(i).padStart(2, '0')}:00Z", "metadata": {"intent": "${intent}", "constructor": "c${i}", "toString": "t${i}", "__proto__": "p${i}"}, ` +
    `"request": {"model": "gpt-4o", "messages": [{"role": "user", "content": "question ${i}"}]}, ` +
    `"response": {"id": "r${i}", "object": "chat.completion", "model": "gpt-4o", "choices": [{"index": 0, "message": {"role": "assistant", "content": "answer ${i}"}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 5, "completion_tokens": 2}}}`;
  const file = join(dir, 'proto.jsonl');
  writeFileSync(
    file,
    `${Array.from({ length: 12 }, (_, i) => line(i, i % 3 === 0 ? '__proto__' : i % 3 === 1 ? 'constructor' : 'chat')).join('\n')}\n`,
  );

  const imp = cliContext(store);
  expect(await main(argv('traffic', 'import', '--file', file, '--json'), imp)).toBe(0);
  expect(JSON.parse(imp.out())).toMatchObject({ imported: 12, quarantined: [] });
  const stored = await store.rows<{ metadata: string }>(sql`select metadata::text as metadata from traffic order by ts`);
  expect(stored).toHaveLength(12);
  stored.forEach((r, i) => {
    const m = JSON.parse(r.metadata) as Record<string, unknown>;
    expect(Object.hasOwn(m, '__proto__')).toBe(true);
    expect([m['constructor'], m['toString'], m['__proto__']]).toEqual([`c${i}`, `t${i}`, `p${i}`]);
  });

  const sample = cliContext(store);
  expect({
    code: await main(
      argv('traffic', 'sample', '--name', 'proto', '--size', '6', '--stratify-by', 'metadata.intent', '--seed', '3', '--json'),
      sample,
    ),
    err: sample.err(),
  }).toEqual({ code: 0, err: '' });
  noFunctionText(sample.out());
  const strataRows = await store.rows<{ strata: string }>(sql`select strata::text as strata from samples where name = 'proto'`);
  const strata = JSON.parse(strataRows[0]?.strata ?? '{}') as Record<string, { population: number; sampled: number }>;
  expect(Object.keys(strata).sort()).toEqual(['__proto__', 'chat', 'constructor']);
  for (const s of Object.values(strata)) expect(s).toEqual({ population: 4, sampled: 2 });
  const items = await store.rows<{ stratum: string; n: number }>(
    sql`select stratum, count(*)::int as n from sample_items group by stratum order by stratum`,
  );
  expect(items.map((r) => [r.stratum, Number(r.n)])).toEqual([
    ['__proto__', 2],
    ['chat', 2],
    ['constructor', 2],
  ]);
});
