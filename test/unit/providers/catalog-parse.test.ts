import { describe, expect, it } from 'vitest';
import { parseCatalogText } from '../../../src/providers/catalog-parse.js';
import { looksLikeSecret } from '../../../src/redact/looks-like-secret.js';

const FILE = '/cfg/catalog.yaml';

describe('parseCatalogText', () => {
  it('reads real and simulated models, resolving simulated paths against the catalog folder', () => {
    const r = parseCatalogText(
      `models:
  - name: openai/gpt-4o
    base_url: https://api.openai.com/v1
    api_key_env: OPENAI_API_KEY
    price: { input_per_m: 2.5, output_per_m: 10 }
    context_window: 128000
    rate_limit_rpm: 500
  - name: sim/atlas-large
    price: { input_per_m: 5, output_per_m: 15 }
    concurrency: 8
    simulated: { fleet: fleet.yaml, answers: data/answers.jsonl }
`,
      FILE,
    );
    expect(r).toEqual({
      ok: true,
      value: [
        {
          name: 'openai/gpt-4o',
          base_url: 'https://api.openai.com/v1',
          api_key_env: 'OPENAI_API_KEY',
          price: { input_per_m: 2.5, output_per_m: 10 },
          context_window: 128000,
          concurrency: 4,
          rate_limit_rpm: 500,
          simulated: null,
        },
        {
          name: 'sim/atlas-large',
          base_url: null,
          api_key_env: null,
          price: { input_per_m: 5, output_per_m: 15 },
          context_window: null,
          concurrency: 8,
          rate_limit_rpm: null,
          simulated: { fleet: '/cfg/fleet.yaml', answers: '/cfg/data/answers.jsonl' },
        },
      ],
    });
  });

  it.each([
    ['a key in api_key_env', 'api_key_env: sk-proj-AbCdEf0123456789GhIjKl', 4],
    ['a field named api_key', 'api_key: abc123', 4],
    ['a field named token', 'token: x', 4],
    ['a credential in the URL', 'api_key_env: OPENAI_API_KEY\n    headers: { note: ok }', -1],
  ])('refuses %s, naming the line and never repeating the value', (_what, extra, line) => {
    const text = `models:\n  - name: m\n    base_url: ${line === -1 ? 'https://user:pass@api.example.com/v1' : 'https://api.example.com/v1'}\n    ${extra}\n    price: { input_per_m: 1, output_per_m: 1 }\n`;
    const r = parseCatalogText(text, FILE);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error[0]?.message).toMatch(/credential/);
    expect(r.error[0]?.line).toBe(line === -1 ? 3 : line);
    for (const secret of ['sk-proj-AbCdEf0123456789GhIjKl', 'abc123', 'user:pass']) expect(JSON.stringify(r.error)).not.toContain(secret);
  });

  it('reads a per-model cache_ttl in seconds or as a duration, and names a bad one', () => {
    const text = (ttl: string) =>
      `models:\n  - name: m\n    base_url: https://api.example.com/v1\n    price: { input_per_m: 1, output_per_m: 1 }\n    cache_ttl: ${ttl}\n`;
    const seconds = parseCatalogText(text('3600'), FILE);
    expect(seconds.ok && seconds.value[0]?.cache_ttl_s).toBe(3600);
    const days = parseCatalogText(text('7d'), FILE);
    expect(days.ok && days.value[0]?.cache_ttl_s).toBe(7 * 86_400);
    const bad = parseCatalogText(text('soon'), FILE);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error[0]).toMatchObject({ line: 5, path: expect.stringContaining('cache_ttl') });
  });

  it('reports every bad field with its line', () => {
    const r = parseCatalogText(
      `models:
  - name: a
    base_url: https://x.example/v1
    price: { input_per_m: 1 }
  - name: b
    price: { input_per_m: 1, output_per_m: 1 }
  - name: a
    base_url: ftp://x
    price: { input_per_m: 1, output_per_m: 1 }
`,
      FILE,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((i) => [i.line, i.path])).toEqual([
      [4, 'models[0].price.output_per_m'],
      [5, 'models[1]'],
      [8, 'models[2].base_url'],
    ]);
    expect(r.error[1]?.message).toMatch(/either base_url .* or simulated/);
  });

  it('refuses duplicate names, unknown fields and broken YAML', () => {
    const dup = parseCatalogText(
      'models:\n  - { name: a, base_url: "https://x/v1", price: { input_per_m: 1, output_per_m: 1 } }\n  - { name: a, base_url: "https://y/v1", price: { input_per_m: 1, output_per_m: 1 } }\n',
      FILE,
    );
    expect(!dup.ok && dup.error[0]?.message).toMatch(/listed twice/);
    const unknown = parseCatalogText(
      'models:\n  - { name: a, base_url: "https://x/v1", price: { input_per_m: 1, output_per_m: 1 }, colour: blue }\n',
      FILE,
    );
    expect(!unknown.ok && unknown.error[0]?.message).toMatch(/colour/);
    const broken = parseCatalogText('models:\n  - name: [a\n', FILE);
    expect(!broken.ok && broken.error[0]?.message).toMatch(/not valid YAML/);
    const empty = parseCatalogText('models: []\n', FILE);
    expect(!empty.ok && empty.error[0]?.message).toMatch(/no models/);
  });
});

describe('parseCatalogText: provider kinds', () => {
  it('reads provider, upstream model, headers, options, cached price and tpm; old entries stay as they were', () => {
    const r = parseCatalogText(
      `models:
  - name: claude-fast
    provider: anthropic
    model: claude-3-5-haiku-20241022
    api_key_env: ANTHROPIC_API_KEY
    price: { input_per_m: 0.8, output_per_m: 4, cached_input_per_m: 0.08 }
    rate_limit_rpm: 60
    rate_limit_tpm: 40000
    cache_ttl_s: 300
  - name: virtual-model/google/gemini-2.0-flash
    provider: gemini
    model: gemini-2.0-flash
    api_key_env: GEMINI_API_KEY
    price: { input_per_m: 0.1, output_per_m: 0.4 }
  - name: gpt-eu
    provider: azure-openai
    model: gpt4o-prod-deployment
    base_url: https://acme.openai.azure.com/openai
    api_key_env: AZURE_OPENAI_API_KEY
    options: { api_version: 2024-10-21 }
    price: { input_per_m: 2.5, output_per_m: 10 }
  - name: router
    base_url: https://openrouter.ai/api/v1
    api_key_env: OPENROUTER_API_KEY
    headers: { HTTP-Referer: https://example.com, X-Title: routelab }
    price: { input_per_m: 1, output_per_m: 2 }
`,
      FILE,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value[0]).toMatchObject({
      name: 'claude-fast',
      provider: 'anthropic',
      model: 'claude-3-5-haiku-20241022',
      base_url: null,
      price: { cached_input_per_m: 0.08 },
      rate_limit_tpm: 40000,
      cache_ttl_s: 300,
    });
    expect(r.value[1]).toMatchObject({ provider: 'gemini', model: 'gemini-2.0-flash' });
    expect(r.value[2]).toMatchObject({ provider: 'azure-openai', options: { api_version: '2024-10-21' } });
    expect(r.value[3]).toEqual({
      name: 'router',
      base_url: 'https://openrouter.ai/api/v1',
      api_key_env: 'OPENROUTER_API_KEY',
      headers: { 'HTTP-Referer': 'https://example.com', 'X-Title': 'routelab' },
      price: { input_per_m: 1, output_per_m: 2 },
      context_window: null,
      concurrency: 4,
      rate_limit_rpm: null,
      simulated: null,
    });
  });

  it.each([
    ['an unknown provider', 'provider: palm', /provider/],
    ['a credential header', 'headers: { api-key: "$X" }', /credential header/],
    ['a key in a header value', 'headers: { x-note: sk-proj-AbCdEf0123456789GhIjKl }', /credential/],
    ['an openai entry without base_url', 'provider: openai', /either base_url/],
    [
      'a credential in the IAM URL',
      'provider: watsonx\n    options: { project_id: p, auth_url: "https://u:AbCdEf0123456789xyz@iam.example.com/identity/token" }',
      /credential/,
    ],
  ])('refuses %s', (_what, extra, message) => {
    const r = parseCatalogText(`models:\n  - name: m\n    ${extra}\n    price: { input_per_m: 1, output_per_m: 1 }\n`, FILE);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((i) => `${i.path ?? ''} ${i.message}`).join(' | ')).toMatch(message);
    expect(JSON.stringify(r.error)).not.toContain('AbCdEf0123456789');
  });
});

describe('looksLikeSecret', () => {
  it.each([
    'sk-proj-abcdEFGH1234ijklMNOP5678',
    'sk-ant-api03-xyz12345678',
    'ghp_0123456789abcdefghijABCDEFGHIJ',
    'AKIAABCDEFGHIJKLMNOP',
    'aZ3kQ9xV1mN7pL2wR8tY5uI0oE4sD6fG',
    '9f86d081884c7d659a2feaa0c55ad015',
    'my key is Xk29fLq83mZp0Ra7Tb55Wc1Yd',
  ])('flags %s', (s) => {
    expect(looksLikeSecret(s)).toBe(true);
  });
  it.each([
    'meta-llama/Llama-3.1-70B-Instruct-Turbo',
    'Qwen/Qwen2.5-Coder-32B-Instruct',
    'accounts/fireworks/models/llama-v3p1-405b-instruct',
    'OPENAI_API_KEY',
    'AZURE_OPENAI_API_KEY_EASTUS2_PRODUCTION',
    'datasets/demo/answers.jsonl',
    'sim/atlas-large',
    'https://api.openai.com/v1',
    'a short note',
  ])('lets %s through', (s) => {
    expect(looksLikeSecret(s)).toBe(false);
  });
});
