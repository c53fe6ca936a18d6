import { describe, expect, it } from 'vitest';
import { exportPolicy, parsePolicyText, type ParsedPolicy } from '../../../src/policy/index.js';
import { FLASH, LITE, SEEDS, seed, spec } from './fixtures.js';

function reparse(text: string, opts: Parameters<typeof parsePolicyText>[1] = {}): ParsedPolicy {
  const r = parsePolicyText(text, opts);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

function exported(...args: Parameters<typeof exportPolicy>): string {
  const r = exportPolicy(...args);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('export → import round trips', () => {
  it.each(SEEDS)('%s: watsonx YAML, watsonx JSON and Portkey re-import identically', (name) => {
    const s = seed(name);
    for (const format of ['watsonx', 'watsonx-json', 'portkey'] as const) {
      expect(reparse(exported(s, format)).spec).toEqual(s);
    }
  });

  it('writes status-code lists inline, as the watsonx docs do', () => {
    expect(exported(seed('anygem'), 'watsonx')).toContain('on_status_codes: [503, 504]');
  });

  it('LiteLLM: loadbalance and fallback round trip', () => {
    const lb = spec(
      {
        strategy: { mode: 'loadbalance' },
        retry: { attempts: 2 },
        targets: [
          { model_name: FLASH, weight: 0.75 },
          { model_name: LITE, weight: 0.25 },
        ],
      },
      'lb',
    );
    const fb = spec({ strategy: { mode: 'fallback' }, targets: [{ model_name: FLASH }, { model_name: LITE }, { model_name: 'c' }] }, 'fb');
    for (const s of [lb, fb]) {
      const back = reparse(exported(s, 'litellm'));
      expect(back.format).toBe('litellm');
      expect(back.spec).toEqual(s);
    }
  });

  it('orq: weighted with guardrails, budget, scope and enabled round trips', () => {
    const s = spec({
      strategy: { mode: 'loadbalance' },
      targets: [
        { model_name: FLASH, weight: 0.7 },
        { model_name: LITE, weight: 0.3 },
      ],
      guardrails: [{ name: 'pii', when: { 'metadata.pii': true }, action: 'block' }],
      budget: { max_spend_usd: { limit: 12.5, period: 'daily' }, max_requests: { limit: 1000, period: 'hourly' } },
      scope: 'proj-1',
      enabled: true,
    });
    const text = exported(s, 'orq');
    expect(JSON.parse(text)).toMatchObject({
      strategy: 'weighted',
      models: [
        { model: FLASH, weight: 70 },
        { model: LITE, weight: 30 },
      ],
      project: 'proj-1',
    });
    expect(reparse(text).spec).toEqual(s);
  });
});

describe('export refuses what a format cannot express, by field', () => {
  it.each([
    ['litellm', seed('firstgem'), 'policy.retry.on_status_codes'],
    ['orq', seed('retrygem'), 'policy.strategy.mode'],
    ['orq', seed('anygem'), 'policy.retry'],
    ['portkey', spec({ strategy: { mode: 'round_robin' }, targets: [{ model_name: 'a' }] }), 'policy.strategy.mode'],
    [
      'portkey',
      spec({ strategy: { mode: 'single' }, targets: [{ model_name: 'a' }], budget: { max_tokens: { limit: 5, period: 'daily' } } }),
      'policy.budget',
    ],
  ] as const)('%s refuses %#', (format, s, field) => {
    const r = exportPolicy(s, format);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.map((i) => i.field)).toContain(field);
  });
});

describe('reading other formats', () => {
  it('Portkey conditional routing becomes ordered rules with a catch-all default', () => {
    const text = JSON.stringify({
      strategy: { mode: 'conditional', conditions: [{ query: { 'metadata.plan': { $eq: 'paid' } }, then: 'big' }], default: 'small' },
      targets: [
        { name: 'big', provider: 'openai', override_params: { model: 'gpt-4o' } },
        { name: 'small', provider: 'openai', override_params: { model: 'gpt-4o-mini' } },
      ],
    });
    const r = reparse(text, { file: 'configs/router.json' });
    expect(r.format).toBe('portkey');
    expect(r.spec.name).toBe('router');
    expect(r.spec.policy.rules).toEqual([
      { name: 'big', when: { 'metadata.plan': { $eq: 'paid' } }, targets: [{ model_name: 'openai/gpt-4o' }] },
      { name: 'small', when: {}, targets: [{ model_name: 'openai/gpt-4o-mini' }] },
    ]);
  });

  it('Portkey: an unsupported field is refused by name with its line', () => {
    const r = parsePolicyText(
      '{\n  "strategy": {"mode": "single"},\n  "cache": {"mode": "simple"},\n  "targets": [{"override_params": {"model": "a"}}]\n}',
      { file: 'pk.json', name: 'pk' },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]).toMatchObject({ path: 'cache', line: 3 });
  });

  it('LiteLLM: a literal API key is refused, an os.environ reference is noted', () => {
    const yaml = (key: string) => `model_list:\n  - model_name: g\n    litellm_params: {model: openai/gpt-4o, api_key: ${key}}\n`;
    const bad = parsePolicyText(yaml('sk-live-123'), { name: 'g' });
    expect(!bad.ok && bad.error[0]?.path).toBe('model_list[0].litellm_params.api_key');
    const good = reparse(yaml('os.environ/OPENAI_API_KEY'), { name: 'g' });
    expect(good.spec.policy).toEqual({ strategy: { mode: 'single' }, targets: [{ model_name: 'openai/gpt-4o' }] });
    expect(good.notes.join()).toMatch(/api_key/);
  });

  it('orq: a weight outside (0, 100] is located in the orq document', () => {
    const r = parsePolicyText('{\n "name": "o",\n "strategy": "weighted",\n "models": [\n  {"model": "a", "weight": 150}\n ]\n}', {
      file: 'o.json',
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]).toMatchObject({ path: 'models[0].weight', line: 5 });
  });
});
