import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../../src/cli/context.js';
import { main } from '../../../src/cli/main.js';
import { loadRecordedOutcomes } from '../../../src/store/repos/recorded-outcomes-repo.js';
import { createTestDatabase } from '../../helpers/stores.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/providers/${name}`, import.meta.url));

describe('routelab models / outcomes', () => {
  let database: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  async function routelab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (c: Buffer) => (stdout += c.toString()));
    err.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await main(
      ['node', 'routelab', ...args],
      createContext({ env: { DATABASE_URL: database.url }, stdout: out, stderr: err }),
    );
    return { code, stdout, stderr };
  }

  const fits = (text: string) => text.split('\n').every((l) => l.length <= 80);

  it('imports a catalog, says which key variables are unset, and lists it', async () => {
    const r = await routelab('models', 'import', '--file', fixture('fleet/catalog.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^imported 3 models \(3 added, 0 updated\)/);
    expect(r.stdout).toMatch(/sim\/steady\s+simulated/);
    expect(r.stderr).toMatch(/OPENAI_API_KEY is not set/);
    expect(fits(r.stdout)).toBe(true);
    const again = await routelab('models', 'import', '--file', fixture('fleet/catalog.yaml'));
    expect(again.stdout).toMatch(/0 added, 3 updated/);
    const list = await routelab('models', 'list', '--json');
    expect(list.stderr).toBe('');
    const models = JSON.parse(list.stdout) as Array<{ name: string; api_key_env: string | null; simulated: { fleet: string } | null }>;
    expect(models.map((m) => m.name)).toEqual(['openai/gpt-4o', 'sim/flaky', 'sim/steady']);
    expect(models[2]?.simulated?.fleet).toBe(fixture('fleet/fleet.yaml'));
  });

  it('refuses a catalog holding a key with exit 2, naming the line, never echoing the key', async () => {
    const r = await routelab('models', 'import', '--file', fixture('catalog-with-key.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/catalog-with-key\.yaml, line 5, models\[0\]\.api_key_env: .*credential/);
    expect(r.stderr + r.stdout).not.toContain('sk-live-');
    const list = await routelab('models', 'list', '--json');
    expect((JSON.parse(list.stdout) as Array<{ name: string }>).map((m) => m.name)).not.toContain('leaky/model');
  });

  it('refuses a simulated model its fleet does not describe', async () => {
    const r = await routelab('models', 'import', '--file', fixture('catalog-unknown-sim.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"sim\/ghost" is not described in the fleet/);
  });

  it('imports RouterBench CSV, quarantining rows with their numbers, and lists the dataset', async () => {
    const r = await routelab(
      'outcomes',
      'import',
      '--file',
      fixture('routerbench-quarantine.csv'),
      '--format',
      'routerbench-csv',
      '--name',
      'quiz',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('outcomes "quiz": 4 rows imported, 0 already present, 2 quarantined\n');
    expect(r.stderr).toMatch(/line 3, small: row 2 \(q\.2\): small has no score/);
    expect(r.stderr).toMatch(/line 4, small\|total_cost: row 3 \(q\.3\): small has no cost/);
    const json = await routelab('outcomes', 'import', '--file', fixture('routerbench-quarantine.csv'), '--name', 'quiz', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'quiz', imported: 0, duplicates: 4, quarantined: 2 });
    const gsm = await routelab('outcomes', 'import', '--file', fixture('gsm8k-excerpt.outcomes.jsonl'), '--format', 'jsonl');
    expect(gsm.stdout).toMatch(/outcomes "gsm8k-excerpt\.outcomes": 20 rows imported/);
    const list = await routelab('outcomes', 'list');
    expect(list.stdout).toMatch(/quiz\s+routerbench-csv\s+2\s+2\s+4\s+2/);
    expect(list.stdout).toMatch(/gsm8k-excerpt\.outcomes\s+jsonl\s+10\s+2\s+20\s+0/);
    expect(fits(list.stdout)).toBe(true);
  });

  it('keeps answer columns (the oracle choice) out of routable metadata and says which it kept', async () => {
    const r = await routelab('outcomes', 'import', '--file', fixture('routerbench-layout.csv'), '--name', 'layout', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ metadata_columns: ['eval_name'], label_columns: ['oracle_model_to_route_to'] });
    const text = await routelab('outcomes', 'import', '--file', fixture('routerbench-layout.csv'), '--name', 'layout2');
    expect(text.stderr).toMatch(/label columns not kept as metadata: oracle_model_to_route_to/);
    const ctx = createContext({ env: { DATABASE_URL: database.url } });
    const store = await ctx.store();
    try {
      const set = await loadRecordedOutcomes(store.db, 'layout');
      expect(set.cases.length).toBeGreaterThan(0);
      for (const c of set.cases) expect(Object.keys(c.metadata)).toEqual(['eval_name']);
    } finally {
      await ctx.close();
    }
  });

  it.each([
    [['outcomes', 'import', '--file', '/nonexistent.csv'], /does not exist/],
    [['outcomes', 'import', '--file', 'catalog-with-key.yaml'], /cannot tell the format/],
    [['outcomes', 'import', '--file', 'x.csv', '--format', 'parquet'], /./],
    [['outcomes', 'import', '--file', 'catalog-with-key.yaml', '--format', 'jsonl'], /holds no usable jsonl row/],
  ])('exits 2 on bad input: %j', async (args, message) => {
    const resolved = args.map((a) => (a.endsWith('.yaml') ? fixture(a) : a));
    const r = await routelab(...resolved);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
