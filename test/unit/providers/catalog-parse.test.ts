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
        { name: 'openai/gpt-4o', base_url: 'https://api.openai.com/v1', api_key_env: 'OPENAI_API_KEY', price: { input_per_m: 2.5, output_per_m: 10 }, context_window: 128000, concurrency: 4, rate_limit_rpm: 500, simulated: null },
        { name: 'sim/atlas-large', base_url: null, api_key_env: null, price: { input_per_m: 5, output_per_m: 15 }, context_window: null, concurrency: 8, rate_limit_rpm: null, simulated: { fleet: '/cfg/fleet.yaml', answers: '/cfg/data/answers.jsonl' } },
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
    const dup = parseCatalogText('models:\n  - { name: a, base_url: "https://x/v1", price: { input_per_m: 1, output_per_m: 1 } }\n  - { name: a, base_url: "https://y/v1", price: { input_per_m: 1, output_per_m: 1 } }\n', FILE);
    expect(!dup.ok && dup.error[0]?.message).toMatch(/listed twice/);
    const unknown = parseCatalogText('models:\n  - { name: a, base_url: "https://x/v1", price: { input_per_m: 1, output_per_m: 1 }, colour: blue }\n', FILE);
    expect(!unknown.ok && unknown.error[0]?.message).toMatch(/colour/);
    const broken = parseCatalogText('models:\n  - name: [a\n', FILE);
    expect(!broken.ok && broken.error[0]?.message).toMatch(/not valid YAML/);
    const empty = parseCatalogText('models: []\n', FILE);
    expect(!empty.ok && empty.error[0]?.message).toMatch(/no models/);
  });
});

describe('looksLikeSecret', () => {
  it.each(['sk-proj-abcdEFGH1234ijklMNOP5678', 'sk-ant-api03-xyz12345678', 'ghp_0123456789abcdefghijABCDEFGHIJ', 'AKIAABCDEFGHIJKLMNOP', 'aZ3kQ9xV1mN7pL2wR8tY5uI0oE4sD6fG', '9f86d081884c7d659a2feaa0c55ad015', 'my key is Xk29fLq83mZp0Ra7Tb55Wc1Yd'])('flags %s', (s) => {
    expect(looksLikeSecret(s)).toBe(true);
  });
  it.each(['meta-llama/Llama-3.1-70B-Instruct-Turbo', 'Qwen/Qwen2.5-Coder-32B-Instruct', 'accounts/fireworks/models/llama-v3p1-405b-instruct', 'OPENAI_API_KEY', 'AZURE_OPENAI_API_KEY_EASTUS2_PRODUCTION', 'datasets/demo/answers.jsonl', 'sim/atlas-large', 'https://api.openai.com/v1', 'a short note'])('lets %s through', (s) => {
    expect(looksLikeSecret(s)).toBe(false);
  });
});
