import { describe, expect, it } from 'vitest';
import { parseCatalogText } from '../../../src/providers/catalog-parse.js';

const FILE = '/cfg/catalog.yaml';
const catalog = (fields: string) => `models:\n  - name: m\n    price: { input_per_m: 1, output_per_m: 1 }\n${fields}`;

function issues(text: string) {
  const r = parseCatalogText(text, FILE);
  return r.ok ? [] : r.error.map((i) => ({ path: i.path, line: i.line, message: i.message }));
}

describe('catalog safety', () => {
  it.each(['DATABASE_URL', 'REDIS_URL', 'ROUTELAB_QUEUE_PREFIX'])('never takes routelab setting %s as a key, allow_env or not', (env) => {
    for (const allow of ['', '    allow_env: true\n']) {
      const found = issues(catalog(`    base_url: https://api.example.com/v1\n    api_key_env: ${env}\n${allow}`));
      expect(found).toEqual([
        expect.objectContaining({ path: 'models[0].api_key_env', line: 5, message: expect.stringContaining("routelab's own settings") }),
      ]);
    }
  });

  it('takes a variable outside the key pattern only with allow_env: true', () => {
    const text = catalog('    base_url: https://api.example.com/v1\n    api_key_env: HOME\n');
    expect(issues(text)).toEqual([
      expect.objectContaining({ path: 'models[0].api_key_env', message: expect.stringContaining('allow_env: true') }),
    ]);
    expect(issues(`${text}    allow_env: true\n`)).toEqual([]);
    expect(issues(catalog('    base_url: https://api.example.com/v1\n    api_key_env: TOGETHER_API_KEY\n'))).toEqual([]);
  });

  it('takes plain http only to loopback, or with allow_http: true', () => {
    for (const url of ['http://127.0.0.1:8080/v1', 'http://localhost:11434/v1', 'http://[::1]:9000/v1', 'https://api.example.com/v1']) {
      expect(issues(catalog(`    base_url: ${url}\n`))).toEqual([]);
    }
    const text = catalog('    base_url: http://gpu-box.internal:8000/v1\n');
    expect(issues(text)).toEqual([
      expect.objectContaining({ path: 'models[0].base_url', message: expect.stringContaining('allow_http: true') }),
    ]);
    expect(issues(`${text}    allow_http: true\n`)).toEqual([]);
  });
});
