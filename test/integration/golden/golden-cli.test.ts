import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../../src/cli/context.js';
import { main } from '../../../src/cli/main.js';
import type { TrafficRecord } from '../../../src/domain/traffic-record.js';
import { loadGoldenSet } from '../../../src/store/repos/golden-repo.js';
import { createSample } from '../../../src/app/create-sample.js';
import { createImport } from '../../../src/store/repos/traffic-import-repo.js';
import { insertTraffic } from '../../../src/store/repos/traffic-repo.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';

const fixture = (name: string) => new URL(`../../fixtures/golden/${name}`, import.meta.url).pathname;

let store: TestStore;

async function routelab(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (write: (s: string) => void) => new Writable({ write: (chunk, _enc, done) => (write(String(chunk)), done()) });
  const ctx = createContext({
    env: { DATABASE_URL: store.url, ...extraEnv },
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  });
  const code = await main(['node', 'routelab', ...args], ctx);
  return { code, stdout, stderr };
}

function record(i: number, over: Partial<TrafficRecord> = {}): TrafficRecord {
  return {
    id: `rec-${i}`,
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    request: { messages: [{ role: 'user', content: `question ${i}` }], params: { model: 'gpt-x' } },
    metadata: { intent: i % 2 ? 'chat' : 'code', tags: [] },
    response: { model: 'gpt-x', output: `answer ${i}`, status: 200, latency_ms: 100, input_tokens: 5, output_tokens: 5, cost_usd: 0.001 },
    replayable: true,
    format: 'openai-chat',
    ...over,
  };
}

beforeAll(async () => {
  store = await openTestStore('postgres');
});
afterAll(async () => {
  await store?.cleanup();
});

describe('routelab golden import | list', () => {
  it('imports a YAML set under its name and lists it', async () => {
    const r = await routelab(['golden', 'import', '--file', fixture('support.yaml')]);
    expect(r).toMatchObject({ code: 0, stdout: 'golden set "support-bot": 4 cases (4 new, 0 updated)\n' });
    const loaded = await loadGoldenSet(store.db, 'support-bot');
    expect(loaded.cases.map((c) => c.id)).toEqual(['refund-window', 'gsm8k-0001', '12', 'order-json']);

    const list = await routelab(['golden', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^name\s+cases\s+unreviewed\s+source\s+updated\n/);
    expect(list.stdout).toMatch(/support-bot\s+4\s+0\s+file:/);
    expect(Math.max(...list.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('names a JSONL set after its file; --json prints only JSON; re-import updates', async () => {
    const first = await routelab(['golden', 'import', '--file', fixture('cases.jsonl'), '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ name: 'cases', cases: 2, imported: 2, updated: 0 });
    const again = await routelab(['golden', 'import', '--file', fixture('cases.jsonl'), '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, updated: 2 });
    const list = JSON.parse((await routelab(['golden', 'list', '--json'])).stdout) as Array<{ name: string; cases: number }>;
    expect(list.find((s) => s.name === 'cases')).toMatchObject({ cases: 2 });
  });

  it('exits 2 naming file, line and path for each mistake, and stores nothing', async () => {
    const r = await routelab(['golden', 'import', '--file', fixture('broken.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('broken.yaml is not a valid golden set');
    expect(r.stderr).toMatch(/broken\.yaml, line 7:18, cases\[0\]\.assertions\[0\]\.pattern: pattern does not compile/);
    expect(r.stderr).toMatch(/line 12:20, cases\[1\]\.assertions\[0\]\.tolerence: unknown key "tolerence"/);
    expect(r.stderr).toMatch(/line 18:17, cases\[2\]\.assertions\[0\]\.schema: JSON Schema does not compile/);
    expect(r.stderr).toMatch(/line 22:9, cases\[3\]\.assertions\[0\]\.value: exact needs a `value`/);
    expect(r.stderr).toMatch(/line 19:9, cases\[3\]\.id: duplicate case id "a"/);
    await expect(loadGoldenSet(store.db, 'broken')).rejects.toThrow(/not found/);

    const jsonl = await routelab(['golden', 'import', '--file', fixture('broken.jsonl')]);
    expect(jsonl.code).toBe(2);
    expect(jsonl.stderr).toMatch(/broken\.jsonl, line 2: not valid JSON/);
    expect(jsonl.stderr).toMatch(/broken\.jsonl, line 4, assertions\[0\]\.type: unknown type/);
  });

  it('exits 2 for a missing file', async () => {
    const r = await routelab(['golden', 'import', '--file', '/nonexistent/g.yaml']);
    expect(r).toMatchObject({ code: 2 });
    expect(r.stderr).toContain('cannot read /nonexistent/g.yaml: no such file');
  });
});

describe('routelab golden from-sample', () => {
  beforeAll(async () => {
    const importId = await createImport(store.db, ['t.jsonl'], 'openai-chat');
    await insertTraffic(store.db, importId, [
      record(1),
      record(2),
      record(3),
      record(4, { response: { ...record(4).response, output: null, status: 500 } }),
      record(5, { request: { messages: [], params: {} }, replayable: false }),
    ]);
    await createSample(store.db, { name: 'all', rate: 1, seed: 's' });
  });

  it('bootstraps unreviewed cases with the original answer as reference', async () => {
    const r = await routelab(['golden', 'from-sample', '--sample', 'all', '--name', 'boot', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    // rec-5 is not replayable, so the sample never drew it; rec-4 has no answer to use.
    expect(out).toMatchObject({ name: 'boot', sample: 'all', imported: 3, skipped: 1, judge_model: null });
    const set = await loadGoldenSet(store.db, 'boot');
    expect(set.cases.map((c) => c.id)).toEqual(['rec-1', 'rec-2', 'rec-3']);
    expect(set.cases[0]).toMatchObject({
      reviewed: false,
      reference: 'answer 1',
      input: { messages: [{ role: 'user', content: 'question 1' }] },
      metadata: { intent: 'chat', source_model: 'gpt-x' },
      assertions: [{ type: 'token_f1', weight: 1 }],
    });
    const list = JSON.parse((await routelab(['golden', 'list', '--json'])).stdout) as Array<{
      name: string;
      unreviewed: number;
      source: string;
    }>;
    expect(list.find((s) => s.name === 'boot')).toMatchObject({ unreviewed: 3, source: 'sample:all' });
  });

  it('adds a pairwise judge when a judge model is configured', async () => {
    const r = await routelab(['golden', 'from-sample', '--sample', 'all', '--name', 'judged'], { ROUTELAB_JUDGE_MODEL: 'judge-m' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('golden set "judged" from sample "all": 3 unreviewed cases (3 new, 0 updated)\n');
    expect(r.stderr).toContain('pairwise judge (judge-m)');
    const set = await loadGoldenSet(store.db, 'judged');
    expect(set.cases[0]?.assertions).toEqual([
      { type: 'token_f1', weight: 1 },
      { type: 'judge', mode: 'pairwise', model: 'judge-m', weight: 1 },
    ]);
  });

  it('exits 2 for an unknown sample', async () => {
    const r = await routelab(['golden', 'from-sample', '--sample', 'nope', '--name', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sample "nope" not found');
  });
});

describe('a golden file written by a user', () => {
  it('accepts the schema example from src/scoring/GOLDEN-SETS.md', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-golden-'));
    const readme = (await import('node:fs')).readFileSync(new URL('../../../src/scoring/GOLDEN-SETS.md', import.meta.url), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    writeFileSync(join(dir, 'readme.yaml'), example);
    const r = await routelab(['golden', 'import', '--file', join(dir, 'readme.yaml'), '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'support-bot', cases: 4 });
  });
});
