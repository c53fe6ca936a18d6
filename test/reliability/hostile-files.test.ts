import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedDataDir } from '../helpers/stores.js';
import { hasStackTrace, removeDir, ROOT, runCli, tempDir, type CliRun } from './harness.js';

/**
 * Hostile files through the real binary (`node bin/routelab.js`, a child process with its own PGlite
 * store): each is refused (exit 2) or quarantined with its location, quickly, and the process ends on
 * its own terms — exit 0 or 2, never a crash, a signal or a stack trace.
 *
 * "Quickly" is measured in CPU time of the child beyond what `--help` costs, because wall time on a
 * machine shared by many test processes says little.
 */

let dir: string;
let helpCpuMs = 0;
const env = () => ({ ...process.env, ROUTELAB_DATA_DIR: join(dir, 'store'), DATABASE_URL: '', REDIS_URL: '' });
/** Allowance over `--help` for reading, checking and refusing one hostile file. */
const CPU_BUDGET_MS = 4000;

const HEAD = 'spec_version: v1\nkind: model\nname: hostile\n';

function write(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

const figures: Array<{ test: string; code: number | null; cpu_ms: number; wall_ms: number }> = [];

function expectAlive(r: CliRun) {
  figures.push({ test: expect.getState().currentTestName ?? '?', code: r.code, cpu_ms: r.cpuMs, wall_ms: r.wallMs });
  expect(r.signal).toBeNull();
  expect([0, 2]).toContain(r.code);
  expect(hasStackTrace(r.stderr + r.stdout)).toBe(false);
  expect(r.cpuMs).toBeLessThanOrEqual(helpCpuMs + CPU_BUDGET_MS);
}

beforeAll(async () => {
  dir = tempDir('hostile');
  await migratedDataDir(join(dir, 'store'));
  const help = await runCli(['--help'], env());
  expect(help.code).toBe(0);
  helpCpuMs = help.cpuMs;
  // The binary opens the (already migrated) store once before the scenarios, each of which then
  // measures only its own file.
  const warm = await runCli(['policy', 'list'], env(), { timeoutMs: 55_000 });
  expect(warm.code).toBe(0);
});
afterAll(() => {
  removeDir(dir);
  // Figures for the closing note (reports/ is git-ignored).
  mkdirSync(join(ROOT, 'reports/reliability'), { recursive: true });
  writeFileSync(
    join(ROOT, 'reports/reliability/hostile-files.json'),
    `${JSON.stringify({ help_cpu_ms: helpCpuMs, runs: figures }, null, 2)}\n`,
  );
});

describe('hostile policy YAML is refused with its location', () => {
  const aliasBomb = () => {
    let s = 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 10; i++)
      s += `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(',')}]\n`;
    return `${HEAD}${s}policy:\n  strategy: {mode: single}\n  targets: [{model_name: m}]\n`;
  };
  const weights = (w: string) =>
    `${HEAD}policy:\n  strategy: {mode: loadbalance}\n  targets:\n    - {model_name: a, weight: ${w}}\n    - {model_name: b, weight: 0.5}\n`;
  const cases: Array<[string, () => string, RegExp]> = [
    ['an alias bomb (billion laughs)', aliasBomb, /alias-bomb\.yaml, line 4:\d+: .*anchors/],
    [
      '10,000 nested brackets',
      () => `${HEAD}policy: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
      /nested\.yaml: nesting is 10000 levels deep/,
    ],
    ['10,000 unclosed nested brackets', () => `${HEAD}policy: ${'['.repeat(10_000)}\n`, /unclosed\.yaml: .*(nesting|line)/],
    [
      '10,000 nested flow maps',
      () => `${HEAD}policy: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`,
      /maps\.yaml: nesting is 10000 levels deep/,
    ],
    [
      'a !!js/function tag',
      () => `${HEAD}policy:\n  strategy: {mode: !!js/function "function () { process.exit(7) }"}\n  targets: [{model_name: m}]\n`,
      /js-function\.yaml, line 5:\d+: custom tags are not allowed/,
    ],
    [
      'a !!python/object tag',
      () => `${HEAD}policy: !!python/object:os.system ["echo owned"]\n`,
      /python\.yaml, line 4:\d+: custom tags are not allowed/,
    ],
    ['a NaN weight', () => weights('.nan'), /nan\.yaml, line 7:\d+, policy\.targets\[0\]\.weight: .*NaN/],
    ['an infinite weight', () => weights('.inf'), /inf\.yaml, line 7:\d+, policy\.targets\[0\]\.weight: /],
    [
      'a negative weight',
      () => weights('-0.5'),
      /negative\.yaml, line 7:\d+, policy\.targets\[0\]\.weight: weight -0\.5 is outside \(0, 1\]/,
    ],
    [
      'a weight above 1',
      () => weights('1.5'),
      /above-one\.yaml, line 7:\d+, policy\.targets\[0\]\.weight: weight 1\.5 is outside \(0, 1\]/,
    ],
    [
      'a weight that is a string',
      () => weights('"heavy"'),
      /string\.yaml, line 7:\d+, policy\.targets\[0\]\.weight: .*expected number, received string/,
    ],
    [
      'a 50 MB file',
      () => `${HEAD}description: "${'x'.repeat(50 * 1024 * 1024)}"\npolicy:\n  strategy: {mode: single}\n  targets: [{model_name: m}]\n`,
      /fifty-mb\.yaml: 524\d+ bytes; policies are limited to/,
    ],
  ];
  const names = [
    'alias-bomb',
    'nested',
    'unclosed',
    'maps',
    'js-function',
    'python',
    'nan',
    'inf',
    'negative',
    'above-one',
    'string',
    'fifty-mb',
  ];

  it.each(cases.map((c, i) => [c[0], names[i] as string, c[1], c[2]] as const))('%s', async (_what, name, content, message) => {
    const file = write(`${name}.yaml`, content());
    const r = await runCli(['policy', 'import', '--file', file], env());
    expectAlive(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('registered none of them', async () => {
    const list = await runCli(['policy', 'list', '--json'], env());
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout || '[]')).toEqual([]);
  });
});

describe('hostile traffic is quarantined line by line; the good lines import', () => {
  const line = (id: string, content: string) =>
    JSON.stringify({
      id,
      timestamp: '2026-11-20T08:15:02Z',
      metadata: { intent: 'chat' },
      request: { model: 'gpt-4o', messages: [{ role: 'user', content }] },
      response: {
        model: 'gpt-4o',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' } }],
        usage: { prompt_tokens: 3, completion_tokens: 1 },
      },
    });

  async function importTraffic(name: string, content: Buffer | string) {
    const file = write(name, content);
    const r = await runCli(['traffic', 'import', '--file', file], env());
    expectAlive(r);
    return r;
  }

  it('NUL bytes: the line is quarantined with its number', async () => {
    const bad = line('nul-1', 'aaaa');
    const content = Buffer.concat([
      Buffer.from(`${line('nul-ok-1', 'hello')}\n`),
      Buffer.from(bad.slice(0, 30)),
      Buffer.from([0, 0, 0]),
      Buffer.from(`${bad.slice(30)}\n`),
      Buffer.from(`${line('nul-ok-2', 'bye')}\n`),
    ]);
    const r = await importTraffic('nul.jsonl', content);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/imported 2 records/);
    expect(r.stdout).toMatch(/line 2: .*NUL/);
  });

  it('invalid UTF-8: the line is quarantined with its number', async () => {
    const [before, after] = line('utf8-1', 'BAD').split('BAD') as [string, string];
    const content = Buffer.concat([
      Buffer.from(`${line('utf-ok-1', 'hello')}\n`),
      Buffer.from(before),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
      Buffer.from(`${after}\n`),
      Buffer.from(`${line('utf-ok-2', 'bye')}\n`),
    ]);
    const r = await importTraffic('utf8.jsonl', content);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/imported 2 records/);
    expect(r.stdout).toMatch(/line 2: .*UTF-8/);
  });

  it('a 20 MB line: quarantined with its number, the lines around it imported', async () => {
    const content = `${line('long-ok-1', 'hello')}\n${line('long-1', 'x'.repeat(20 * 1024 * 1024))}\n${line('long-ok-2', 'bye')}\n`;
    const r = await importTraffic('long.jsonl', content);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/imported 2 records/);
    expect(r.stdout).toMatch(/line 2: .*(MB|long)/);
  });

  it('duplicate ids: imported once, the duplicates counted', async () => {
    const content = [line('dup-1', 'hello'), line('dup-1', 'hello'), line('dup-2', 'bye'), line('dup-1', 'hello')].join('\n') + '\n';
    const r = await importTraffic('dup.jsonl', content);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/imported 2 records/);
    expect(r.stdout).toMatch(/2 duplicates/);
  });
});

describe('golden sets with broken JSON Schemas are refused, each case located', () => {
  it('names the line of every broken schema; backtracking-prone patterns are safe on the linear-time engine', async () => {
    const g = (id: string, schema: string) =>
      `{"id":${JSON.stringify(id)},"input":"give json","assertions":[{"type":"json_schema","schema":${schema}}]}`;
    const file = write(
      'golden-broken.jsonl',
      [
        JSON.stringify({ id: 'ok', input: 'hi', reference: 'x', assertions: [{ type: 'exact' }] }),
        g('bad-type', '{"type":"strnig"}'),
        g('bad-ref', '{"$ref":"#/definitions/nope"}'),
        g('bad-regex', '{"type":"string","pattern":"([a-z"}'),
        g('not-an-object', '42'),
        g('redos', '{"type":"object","properties":{"a":{"type":"string","pattern":"^(a+)+$"}}}'),
        g('remote-ref', '{"$ref":"http://169.254.169.254/latest/meta-data"}'),
        g('deep', `${'{"items":'.repeat(5000)}{}${'}'.repeat(5000)}`),
        g('redos-keys', '{"type":"object","patternProperties":{"^(x*y?)*$":{"type":"string"}}}'),
      ].join('\n') + '\n',
    );
    const r = await runCli(['golden', 'import', '--file', file], env());
    expectAlive(r);
    expect(r.code).toBe(2);
    for (const n of [2, 3, 4, 5, 7, 8]) expect(r.stderr).toMatch(new RegExp(`golden-broken\\.jsonl, line ${n}\\b`));
    // `^(a+)+$` and `^(x*y?)*$` run on RE2 (src/domain/linear-regex.ts): linear in the input, so
    // they are valid patterns now, not refused ones.
    for (const n of [1, 6, 9]) expect(r.stderr).not.toMatch(new RegExp(`golden-broken\\.jsonl, line ${n}\\b`));
    const list = await runCli(['golden', 'list'], env());
    expect(list.stdout).toMatch(/no golden sets/);
  });
});
