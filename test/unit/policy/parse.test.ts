import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.js';
import { parsePolicyText, parsePolicyTextOrThrow } from '../../../src/policy/index.js';
import { FLASH, LITE, SEEDS, seed, seedText } from './fixtures.js';

const doc = (policy: string, head = 'spec_version: v1\nkind: model\nname: p\n') => `${head}policy:\n${policy}`;

function issuesOf(text: string) {
  const r = parsePolicyText(text, { file: 'p.yaml' });
  if (r.ok) throw new Error('expected issues');
  return r.error;
}

describe('parsePolicyText: the watsonx seeds', () => {
  it.each(SEEDS)('%s imports unchanged as watsonx', (name) => {
    const r = parsePolicyText(seedText(name), { file: `${name}.yaml` });
    expect(r.ok && r.value.format).toBe('watsonx');
  });

  it('keeps on_status_codes where each seed copy put it (strategy vs retry)', () => {
    expect(seed('anygem').policy.strategy.on_status_codes).toEqual([503, 504]);
    expect(seed('anygem').policy.targets).toEqual([
      { model_name: FLASH, weight: 0.75 },
      { model_name: LITE, weight: 0.25 },
    ]);
    expect(seed('anygem-old').policy.retry).toEqual({ attempts: 1, on_status_codes: [503] });
    expect(seed('retrygem').policy).toMatchObject({ strategy: { mode: 'single' }, retry: { attempts: 3, on_status_codes: [503] } });
  });
});

describe('parsePolicyText: located semantic errors', () => {
  it('names file, line and path of a weight outside (0, 1]', () => {
    const [issue] = issuesOf(doc('  strategy: {mode: loadbalance}\n  targets:\n    - model_name: a\n      weight: 1.5\n'));
    expect(issue).toMatchObject({ file: 'p.yaml', line: 8, path: 'policy.targets[0].weight' });
    expect(issue?.message).toMatch(/\(0, 1\]/);
  });

  it.each([
    [
      'duplicate targets',
      '  strategy: {mode: fallback}\n  targets:\n    - model_name: a\n    - model_name: a\n',
      'policy.targets[1].model_name',
      /duplicate/,
    ],
    [
      'single with two targets',
      '  strategy: {mode: single}\n  targets:\n    - model_name: a\n    - model_name: b\n',
      'policy.targets',
      /single/,
    ],
    [
      'an unknown status code',
      '  strategy: {mode: fallback, on_status_codes: [999]}\n  targets: [{model_name: a}]\n',
      'policy.strategy.on_status_codes[0]',
      /400-599/,
    ],
    ['an empty policy', '  strategy: {mode: conditional}\n', 'policy', /empty/],
    [
      'a regex that cannot compile',
      "  strategy: {mode: conditional}\n  rules:\n    - when: {metadata.intent: {$regex: '(['}}\n      targets: [{model_name: a}]\n",
      'policy.rules[0].when.metadata.intent.$regex',
      /never match/,
    ],
    [
      'a budget of zero',
      '  strategy: {mode: single}\n  targets: [{model_name: a}]\n  budget:\n    max_spend_usd: {limit: 0, period: daily}\n',
      'policy.budget.max_spend_usd.limit',
      /greater than 0/,
    ],
    [
      'an unknown operator',
      '  strategy: {mode: conditional}\n  rules:\n    - when: {input_tokens: {$near: 3}}\n      targets: [{model_name: a}]\n',
      'policy.rules[0].when.input_tokens.$near',
      /unknown operator/,
    ],
    [
      'a misspelt key',
      '  strategy: {mode: single}\n  targets: [{model_name: a, wieght: 1}]\n',
      'policy.targets[0].wieght',
      /unknown field/,
    ],
    ['conditional with targets', '  strategy: {mode: conditional}\n  targets: [{model_name: a}]\n', 'policy.strategy.mode', /rules/],
  ])('refuses %s at its path', (_what, body, path, message) => {
    const issues = issuesOf(doc(body));
    const hit = issues.find((i) => i.path === path);
    expect(hit, JSON.stringify(issues)).toBeDefined();
    expect(hit?.message).toMatch(message);
    expect(hit?.line).toBeGreaterThan(3);
  });

  it('the throwing variant raises an InputError listing every issue', () => {
    expect(() => parsePolicyTextOrThrow(doc('  strategy: {mode: single}\n'), { file: 'x.yaml' })).toThrow(InputError);
    expect(() => parsePolicyTextOrThrow(doc('  strategy: {mode: single}\n'), { file: 'x.yaml' })).toThrow(/x\.yaml, line \d+/);
  });
});

describe('parsePolicyText: hostile input is refused fast', () => {
  const fast = (text: string, message: RegExp) => {
    // CPU time, not wall time: a busy machine stretches the wall clock, not the work done.
    const start = process.cpuUsage();
    const r = parsePolicyText(text, { file: 'evil.yaml' });
    const used = process.cpuUsage(start);
    expect((used.user + used.system) / 1000).toBeLessThan(500);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.map((i) => i.message).join('\n')).toMatch(message);
  };
  it('an alias bomb', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    fast(lines.join('\n'), /alias|anchor/i);
  });
  it('deep flow nesting', () => fast(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, /nest/));
  it('deep block nesting', () => fast(`${Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1`, /nest|limited/));
  it('a custom tag', () => fast('spec_version: v1\nkind: model\nname: !!js/function "function(){}"\n', /tag/));
  it('duplicate keys', () => fast('spec_version: v1\nkind: model\nname: a\nname: b\n', /duplicate key/));
  it('a file over the size cap', () => fast(`# ${'x'.repeat(300 * 1024)}\n`, /limited to/));
  it('an unknown format', () => fast('hello: world\n', /format/));
});
