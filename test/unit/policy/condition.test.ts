import { describe, expect, it } from 'vitest';
import { compileCondition } from '../../../src/policy/condition.js';
import type { PathIssue } from '../../../src/policy/request-context.js';
import { request } from './fixtures.js';

const test = (when: Record<string, unknown>, over: Parameters<typeof request>[0] = {}) => {
  const issues: PathIssue[] = [];
  const p = compileCondition(when, [], issues);
  expect(issues).toEqual([]);
  return p(request(over));
};

describe('conditions', () => {
  it('a plain value is $eq; a missing field equals null only', () => {
    expect(test({ 'metadata.intent': 'code' }, { metadata: { intent: 'code' } })).toBe(true);
    expect(test({ 'metadata.intent': 'code' }, { metadata: {} })).toBe(false);
    expect(test({ 'metadata.intent': null }, { metadata: {} })).toBe(true);
    expect(test({ 'metadata.intent': { $ne: 'code' } }, { metadata: {} })).toBe(true);
  });

  it('array fields match any element for $eq/$in/$regex; $nin is the negation', () => {
    const tags = { metadata: { tags: ['beta', 'eu'] } };
    expect(test({ 'metadata.tags': 'eu' }, tags)).toBe(true);
    expect(test({ 'metadata.tags': { $in: ['us', 'beta'] } }, tags)).toBe(true);
    expect(test({ 'metadata.tags': { $nin: ['beta'] } }, tags)).toBe(false);
    expect(test({ 'metadata.tags': { $regex: '^E', $options: 'i' } }, tags)).toBe(true);
  });

  it('comparisons hold only between like types; several operators on a field all apply', () => {
    expect(test({ input_tokens: { $gte: 100, $lt: 200 } }, { input_tokens: 150 })).toBe(true);
    expect(test({ input_tokens: { $gte: 100, $lt: 200 } }, { input_tokens: 200 })).toBe(false);
    expect(test({ 'params.max_tokens': { $gt: 10 } }, { params: { max_tokens: '99' } })).toBe(false);
    expect(test({ 'params.model': { $lt: 'm' } }, { params: { model: 'gpt' } })).toBe(true);
  });

  it('$and / $or nest, and nested metadata paths read through objects', () => {
    const when = { $or: [{ 'metadata.org.tier': 'pro' }, { $and: [{ input_tokens: { $lt: 10 } }, { 'params.stream': true }] }] };
    expect(test(when, { metadata: { org: { tier: 'pro' } } })).toBe(true);
    expect(test(when, { input_tokens: 5, params: { stream: true } })).toBe(true);
    expect(test(when, { input_tokens: 5, params: { stream: false } })).toBe(false);
  });

  it('$regex agrees with the regex engine, including the literal-prefix fast path', () => {
    const patterns: Array<[string, string | undefined]> = [
      ['^vip-', undefined],
      ['^VIP', 'i'],
      ['^u-2$', undefined],
      ['^u.2', undefined],
      ['^a/b', undefined],
      ['^t-[0-4]', undefined],
    ];
    const values: unknown[] = [
      'vip-1',
      'VIP-2',
      'xvip-',
      'vip',
      'u-2',
      'u-20',
      'uv2',
      'a/b/c',
      't-3',
      ['x', 'vip-3'],
      ['u-2'],
      7,
      null,
      undefined,
      { user: 'vip-' },
    ];
    for (const [pattern, options] of patterns) {
      const re = new RegExp(pattern, options ?? '');
      const expected = (v: unknown) =>
        Array.isArray(v) ? v.some((x) => typeof x === 'string' && re.test(x)) : typeof v === 'string' && re.test(v);
      for (const user of values) {
        const when = { 'metadata.user': { $regex: pattern, ...(options ? { $options: options } : {}) } };
        expect(test(when, { metadata: { user } }), `${pattern} on ${JSON.stringify(user)}`).toBe(expected(user));
      }
    }
  });

  it('keys and strings that look like code stay data', () => {
    const evil = "x'); throw new Error('pwned'); ('";
    expect(test({ [`metadata.${evil}`]: evil }, { metadata: { [evil]: evil } })).toBe(true);
    expect(test({ 'metadata.a': '"\\u2028`${1}`' }, { metadata: { a: '"\\u2028`${1}`' } })).toBe(true);
  });

  it('reports unknown fields and operators at their path', () => {
    const issues: PathIssue[] = [];
    compileCondition({ user: 'x', 'metadata.a': { $like: 1 }, $nor: [] }, ['when'], issues);
    expect(issues.map((i) => i.path.join('.'))).toEqual(['when.user', 'when.metadata.a.$like', 'when.$nor']);
  });
});
