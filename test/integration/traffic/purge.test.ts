import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import type { CallResult } from '../../../src/domain/call-result.js';
import type { TrafficRequest } from '../../../src/domain/traffic-record.js';
import { replayParams } from '../../../src/replay/replay-params.js';
import { upsertModels } from '../../../src/store/repos/catalog-repo.js';
import { cacheKey, getCached, putCached } from '../../../src/store/repos/response-cache-repo.js';
import { createSample } from '../../../src/app/create-sample.js';
import { importTraffic } from '../../../src/traffic/import.js';
import { testContext } from '../../helpers/cli-context.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../../helpers/stores.js';

const F = (name: string) => join(import.meta.dirname, '../../fixtures/traffic', name);
const answer: CallResult = {
  status: 200,
  output: 'cached',
  answered_by: 'm',
  latency_ms: 1,
  input_tokens: 1,
  output_tokens: 1,
  cost_usd: 0,
  simulated: false,
};

describe.each(STORE_KINDS)('routelab traffic purge on %s', (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store.cleanup();
  });

  const run = async (...args: string[]) => {
    const ctx = testContext(store);
    const code = await main(['node', 'routelab', ...args], ctx);
    return { code, stdout: ctx.out(), stderr: ctx.err() };
  };
  const count = async (table: string) =>
    Number((await store.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]?.n);

  it('removes one import with its sample items and cached answers, and says what it removed', async () => {
    const m = {
      name: 'm',
      base_url: 'https://api.example.com/v1',
      api_key_env: null,
      price: { input_per_m: 1, output_per_m: 1 },
      context_window: null,
      concurrency: 1,
      rate_limit_rpm: null,
      simulated: null,
    };
    await upsertModels(store.db, [m]);
    const first = await importTraffic(store, [F('openai-chat.jsonl')], {});
    const second = await importTraffic(store, [F('litellm-spendlogs.jsonl')], {});
    await createSample(store.db, { name: 's', rate: 1 });
    const requests = await store.rows<{ request: TrafficRequest; import_id: number }>(sql`select request, import_id from traffic`);
    const keys = requests.map((r) => ({ importId: r.import_id, key: cacheKey(m, r.request.messages, replayParams(r.request.params)) }));
    for (const k of keys) await putCached(store.db, k.key, 'm', answer, new Date());

    const bad = await run('traffic', 'purge', '--import', '999999');
    expect(bad.code).toBe(2);
    expect(await run('traffic', 'purge')).toMatchObject({ code: 2 });

    const r = await run('traffic', 'purge', '--import', String(first.import_id), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      removed: {
        traffic: 2,
        quarantined_lines: 0,
        imports: 1,
        sample_items: 2,
        cached_answers: 2,
        run_cases: 0,
        run_outcomes: 0,
        variant_results: 0,
      },
    });
    expect(await store.rows(sql`select id from traffic where import_id = ${first.import_id}`)).toEqual([]);
    for (const k of keys) expect((await getCached(store.db, k.key)) === null).toBe(k.importId === first.import_id);
    expect(await count('sample_items')).toBe(2);

    const human = await run('traffic', 'purge', '--import', String(second.import_id));
    expect(human.stdout).toContain('removed 2 traffic record(s), 2 sample item(s), 2 cached answer(s)');
    expect(await count('traffic')).toBe(0);
  });

  it('removes everything recorded before a time, and refuses a time it cannot read', async () => {
    await importTraffic(store, [F('openai-chat.jsonl')], {});
    expect((await run('traffic', 'purge', '--before', 'yesterday')).code).toBe(2);
    const none = await run('traffic', 'purge', '--before', '2000-01-01', '--json');
    expect(JSON.parse(none.stdout).removed.traffic).toBe(0);
    const all = await run('traffic', 'purge', '--before', '2100-01-01T00:00:00Z', '--json');
    expect(JSON.parse(all.stdout).removed.traffic).toBe(2);
    expect(await count('traffic')).toBe(0);
  });
});
