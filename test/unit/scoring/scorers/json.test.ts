import { describe, expect, it } from 'vitest';
import { scoreAssertionSync } from '../../../../src/scoring/index.js';
import { assertion } from '../assertion.js';

const fenced = 'Sure! Here it is:\n```json\n{"id": "ord_1", "total": 12.5, "items": [{"sku": "a"}, {"sku": "b"}]}\n```\nAnything else?';

describe('json_valid', () => {
  it('accepts bare JSON and JSON inside a ```json fence', () => {
    const a = assertion({ type: 'json_valid' });
    expect(scoreAssertionSync(a, ' {"a": 1} ').pass).toBe(true);
    expect(scoreAssertionSync(a, fenced).pass).toBe(true);
    expect(scoreAssertionSync(a, '{"a": 1').reason).toMatch(/not valid JSON/);
  });
});

describe('json_schema', () => {
  const a = assertion({
    type: 'json_schema',
    schema: {
      type: 'object',
      required: ['id', 'total'],
      properties: { total: { type: 'number' }, email: { type: 'string', format: 'email' } },
    },
  });

  it('validates the parsed output against the schema, formats included', () => {
    expect(scoreAssertionSync(a, fenced).pass).toBe(true);
    const r = scoreAssertionSync(a, '{"id": "x", "total": "12"}');
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('/total must be number');
    expect(scoreAssertionSync(a, '{"id": "x", "total": 1, "email": "nope"}').pass).toBe(false);
  });

  it('fails on output that is not JSON', () => {
    expect(scoreAssertionSync(a, 'I cannot do that').pass).toBe(false);
  });
});

describe('json_equal', () => {
  it('ignores key order but not values or array order', () => {
    const a = assertion({ type: 'json_equal', value: { b: [1, 2], a: 'x' } });
    expect(scoreAssertionSync(a, '{"a":"x","b":[1,2]}').pass).toBe(true);
    expect(scoreAssertionSync(a, '{"a":"x","b":[2,1]}').reason).toContain('$.b[0]');
    expect(scoreAssertionSync(a, '{"a":"x","b":[1,2],"c":0}').reason).toContain('$.c (unexpected)');
  });

  it('parses the reference as JSON when there is no value', () => {
    expect(scoreAssertionSync(assertion({ type: 'json_equal' }), '[1, 2]', '[1,2]').pass).toBe(true);
    expect(scoreAssertionSync(assertion({ type: 'json_equal' }), '[1, 2]', 'one, two').reason).toMatch(/reference is not JSON/);
  });
});

describe('json_subset', () => {
  it('allows extra keys and matches array items in any order', () => {
    const a = assertion({ type: 'json_subset', value: { total: 12.5, items: [{ sku: 'b' }] } });
    expect(scoreAssertionSync(a, fenced).pass).toBe(true);
    const r = scoreAssertionSync(assertion({ type: 'json_subset', value: { items: [{ sku: 'c' }] } }), fenced);
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('$.items[0]');
  });
});
