import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult } from '../../../src/domain/call-result.js';
import type { CatalogEntry } from '../../../src/domain/catalog-entry.js';
import type { Issue } from '../../../src/domain/errors.js';
import type { RecordedOutcomeLine } from '../../../src/domain/outcome.js';
import { readOutcomesJsonl, readRouterbenchCsv, type RecordedItem } from '../../../src/providers/index.js';
import { getModels, listModels, upsertModels } from '../../../src/store/repos/catalog-repo.js';
import {
  importRecordedOutcomes,
  listOutcomeSets,
  loadRecordedOutcomes,
  quarantineOutcomeRows,
} from '../../../src/store/repos/recorded-outcomes-repo.js';
import { cacheKey, dropOtherBuilds, getCached, putCached } from '../../../src/store/repos/response-cache-repo.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../../helpers/stores.js';

/**
 * The provider repositories on both stores. One store per kind for the whole file (opening PGlite
 * is the slow part); each test uses its own names, so tests do not see each other's rows.
 */
const real: CatalogEntry = {
  name: 'openai/gpt-4o',
  base_url: 'https://api.openai.com/v1',
  api_key_env: 'OPENAI_API_KEY',
  price: { input_per_m: 2.5, output_per_m: 10 },
  context_window: 128000,
  concurrency: 8,
  rate_limit_rpm: 500,
  simulated: null,
};
const sim: CatalogEntry = {
  name: 'sim/atlas',
  base_url: null,
  api_key_env: null,
  price: { input_per_m: 1, output_per_m: 4 },
  context_window: null,
  concurrency: 4,
  rate_limit_rpm: null,
  simulated: { fleet: '/d/fleet.yaml', answers: '/d/answers.jsonl' },
};

const messages = [{ role: 'user', content: 'What is 7 * 8?' }];
const answer: CallResult = {
  status: 200,
  output: '56',
  answered_by: 'sim/atlas',
  latency_ms: 812,
  input_tokens: 4,
  output_tokens: 3,
  cost_usd: 0.000016,
  simulated: true,
};

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/providers/${name}`, import.meta.url));
const GSM8K = fixture('gsm8k-excerpt.outcomes.jsonl');
const ROUTERBENCH = fixture('routerbench-layout.csv');

async function* rows(items: AsyncIterable<RecordedItem>, issues: Issue[] = []): AsyncGenerator<RecordedOutcomeLine> {
  for await (const i of items) {
    if (i.ok) yield i.row;
    else issues.push(i.issue);
  }
}

describe('cacheKey', () => {
  it('ignores param order and whitespace at message ends, and nothing else', () => {
    const m = { name: 'm', base_url: 'https://a.example/v1', simulated: null };
    const k = cacheKey(m, messages, { temperature: 0, max_tokens: 10 });
    expect(cacheKey(m, [{ role: 'user', content: ' What is 7 * 8? ' }], { max_tokens: 10, temperature: 0 })).toBe(k);
    expect(cacheKey({ ...m, name: 'm2' }, messages, { temperature: 0, max_tokens: 10 })).not.toBe(k);
    // The same name pointed at another endpoint is another model: its old answers are not reused.
    expect(cacheKey({ ...m, base_url: 'https://b.example/v1' }, messages, { temperature: 0, max_tokens: 10 })).not.toBe(k);
    expect(cacheKey(m, messages, { temperature: 0.1, max_tokens: 10 })).not.toBe(k);
    expect(cacheKey(m, [{ role: 'system', content: 'What is 7 * 8?' }], { temperature: 0, max_tokens: 10 })).not.toBe(k);
  });
});

describe.each(STORE_KINDS)('provider repositories on %s', (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.cleanup();
  });

  it('stores entries as given, lists them by name and updates on re-import', async () => {
    expect(await upsertModels(store.db, [sim, real])).toEqual({ added: 2, updated: 0 });
    expect(await listModels(store.db)).toEqual([real, sim]);
    const cheaper = { ...real, price: { input_per_m: 2, output_per_m: 8 } };
    expect(await upsertModels(store.db, [cheaper])).toEqual({ added: 0, updated: 1 });
    const got = await getModels(store.db, ['openai/gpt-4o', 'missing/model', 'openai/gpt-4o']);
    expect([...got.keys()]).toEqual(['openai/gpt-4o']);
    expect(got.get('openai/gpt-4o')?.price).toEqual({ input_per_m: 2, output_per_m: 8 });
  });

  it('keeps every provider-kind field through a round trip', async () => {
    const claude: CatalogEntry = {
      name: 'kinds/claude',
      provider: 'anthropic',
      model: 'claude-3-5-haiku-20241022',
      base_url: null,
      api_key_env: 'ANTHROPIC_API_KEY',
      headers: { 'x-title': 'routelab' },
      options: { api_version: '2023-06-01' },
      price: { input_per_m: 0.8, output_per_m: 4, cached_input_per_m: 0.08 },
      context_window: 200000,
      concurrency: 2,
      rate_limit_rpm: 50,
      rate_limit_tpm: 40000,
      cache_ttl_s: 300,
      simulated: null,
    };
    await upsertModels(store.db, [claude]);
    expect((await getModels(store.db, ['kinds/claude'])).get('kinds/claude')).toEqual(claude);
  });

  it('returns what was put, the first write wins, and a refresh overwrites', async () => {
    const key = cacheKey({ name: 'sim/atlas', base_url: null, simulated: { fleet: 'f', answers: 'a' } }, messages, {});
    const at = new Date('2026-11-21T02:00:00Z');
    expect(await getCached(store.db, key)).toBeNull();
    await putCached(store.db, key, 'sim/atlas', answer, at);
    await Promise.all([
      putCached(store.db, key, 'sim/atlas', { ...answer, output: 'other' }, at),
      putCached(store.db, key, 'sim/atlas', { ...answer, output: 'third' }, at),
    ]);
    expect(await getCached(store.db, key)).toEqual({ result: answer, storedAt: at, storedBy: null });
    const later = new Date('2026-11-22T02:00:00Z');
    await putCached(store.db, key, 'sim/atlas', { ...answer, output: 'fresh' }, later, true);
    expect(await getCached(store.db, key)).toEqual({ result: { ...answer, output: 'fresh' }, storedAt: later, storedBy: null });
    const failed: CallResult = {
      status: 429,
      output: null,
      answered_by: null,
      latency_ms: 20,
      input_tokens: null,
      output_tokens: null,
      cost_usd: null,
      error: { kind: 'rate_limited', message: 'HTTP 429', retry_after_ms: 1000 },
      simulated: false,
    };
    await putCached(store.db, 'k2', 'sim/atlas', failed, at);
    expect((await getCached(store.db, 'k2'))?.result).toEqual(failed);
  });

  it('drops the entries a model answered under another upstream build', async () => {
    const at = new Date('2026-11-21T02:00:00Z');
    await putCached(store.db, 'b1', 'up/model', { ...answer, fingerprint: 'fp_old' }, at);
    await putCached(store.db, 'b2', 'up/model', { ...answer, fingerprint: 'fp_new' }, at);
    await putCached(store.db, 'b3', 'other/model', { ...answer, fingerprint: 'fp_old' }, at);
    expect(await dropOtherBuilds(store.db, 'up/model', 'fp_new')).toBe(1);
    expect(await getCached(store.db, 'b1')).toBeNull();
    expect((await getCached(store.db, 'b2'))?.result.fingerprint).toBe('fp_new');
    expect((await getCached(store.db, 'b3'))?.result.fingerprint).toBe('fp_old');
  });

  it('imports the real GSM8K shape and loads it back as recorded outcomes, in file order', async () => {
    const imported = await importRecordedOutcomes(store.db, 'gsm8k', rows(readOutcomesJsonl(createReadStream(GSM8K), GSM8K)), {
      format: 'jsonl',
      file: GSM8K,
    });
    expect(imported).toMatchObject({ inserted: 20, duplicates: 0 });
    const set = await loadRecordedOutcomes(store.db, 'gsm8k');
    expect(set.cases).toHaveLength(10);
    expect(set.cases[0]).toMatchObject({ case_id: 'gsm8k-0001', metadata: { eval_name: 'gsm8k' } });
    expect(set.cases[0]?.input).toMatch(/^Janet’s ducks lay 16 eggs/);
    expect(new Set(set.outcomes.map((o) => o.model))).toEqual(new Set(['mistralai/Mixtral-8x7B-Instruct-v0.1', 'gpt-4-1106-preview']));
    const first = set.outcomes.find((o) => o.case_id === 'gsm8k-0001' && o.model === 'gpt-4-1106-preview');
    expect(first).toMatchObject({
      source: 'recorded',
      status: 200,
      score: 1,
      pass: true,
      answered_by: 'gpt-4-1106-preview',
      cost_usd: null,
      latency_ms: null,
    });
    expect(first?.output).toMatch(/\$18 every day/);
  });

  it('adds nothing when the same file is imported again', async () => {
    const db = store.db;
    const once = () => importRecordedOutcomes(db, 'gsm8k-again', rows(readOutcomesJsonl(createReadStream(GSM8K), GSM8K)));
    await once();
    expect(await once()).toMatchObject({ inserted: 0, duplicates: 20 });
    expect((await loadRecordedOutcomes(db, 'gsm8k-again')).outcomes).toHaveLength(20);
  });

  it('imports RouterBench CSV with eval_name as metadata, and lists the set with its quarantine', async () => {
    const issues: Issue[] = [];
    const imported = await importRecordedOutcomes(
      store.db,
      'quiz',
      rows(readRouterbenchCsv(createReadStream(ROUTERBENCH), ROUTERBENCH), issues),
      { format: 'routerbench-csv', file: ROUTERBENCH },
    );
    expect(imported.inserted).toBe(9);
    await quarantineOutcomeRows(store.db, imported.id ?? -1, [{ file: ROUTERBENCH, line: 9, message: 'row 8: x has no score' }]);
    const set = await loadRecordedOutcomes(store.db, 'quiz');
    expect(set.cases.map((c) => [c.case_id, c.metadata.eval_name])).toEqual([
      ['quiz.1', 'arithmetic'],
      ['quiz.2', 'geography'],
      ['quiz.3', 'code'],
    ]);
    expect(set.cases[2]?.input).toBe('Write a python function that reverses a string.');
    expect(set.outcomes.find((o) => o.case_id === 'quiz.3' && o.model === 'large-model')).toMatchObject({
      output: 'def r(s):\n    return s[::-1]',
      score: 1,
      cost_usd: 2.1e-4,
    });
    expect((await listOutcomeSets(store.db)).filter((s) => s.name === 'quiz')).toMatchObject([
      { name: 'quiz', format: 'routerbench-csv', cases: 3, rows: 9, models: ['large-model', 'mid-model', 'small-model'], quarantined: 1 },
    ]);
  });

  it('treats a recorded failure as a failed outcome and an unknown set as not found', async () => {
    await importRecordedOutcomes(store.db, 'mixed', [
      { case_id: 'a', model: 'm', output: null, score: null, status: 503 },
      { case_id: 'a', model: 'n', output: 'ok', score: 0.25 },
    ]);
    const set = await loadRecordedOutcomes(store.db, 'mixed');
    expect(set.outcomes).toMatchObject([
      { model: 'm', status: 503, score: null, pass: false },
      { model: 'n', status: 200, score: 0.25, pass: false },
    ]);
    await expect(loadRecordedOutcomes(store.db, 'nope')).rejects.toThrow(/not found/);
    expect(await importRecordedOutcomes(store.db, 'empty', [])).toMatchObject({ id: null, inserted: 0 });
    expect((await listOutcomeSets(store.db)).map((s) => s.name)).not.toContain('empty');
  });
});
