import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../../src/domain/policy-spec.js';
import { compilePolicy } from '../../../src/policy/index.js';
import { request, spec } from './fixtures.js';

const INTENTS = ['code', 'chat', 'math', 1, true, '__proto__', 'constructor'];
const value = fc.constantFrom(...INTENTS);
const when: fc.Arbitrary<Rule['when']> = fc.oneof(
  value.map((v) => ({ 'metadata.intent': v })),
  value.map((v) => ({ 'metadata.intent': { $eq: v }, input_tokens: { $lt: 500 } })),
  fc.subarray(INTENTS, { minLength: 1 }).map((vs) => ({ 'metadata.intent': { $in: vs } })),
  fc.constant({ 'metadata.user': { $regex: '^vip' } }),
  // A literal prefix is tested as startsWith; flags, arrays and non-strings take the regex path.
  fc.constant({ 'metadata.user': { $regex: '^vip-' } }),
  fc.constant({ 'metadata.user': { $regex: '^VIP', $options: 'i' } }),
  fc.constant({ 'metadata.user': { $regex: '^u-2$' } }),
  fc.constant({ 'metadata.user': { $regex: '^u.2' } }),
  fc.constant({ 'metadata.intent': { $ne: 'code' } }),
  fc.constant({}),
);

describe('rule index', () => {
  it('picks exactly the rule a linear scan in priority order would', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ when, priority: fc.option(fc.integer({ min: -2, max: 2 }), { nil: undefined }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(
          fc.record({
            intent: fc.oneof(value, fc.constant(undefined), fc.constant(['chat', 'math'])),
            user: fc.constantFrom<unknown>('vip-1', 'VIP-2', 'u-2', 'u-20', 'uv2', ['x', 'vip-3'], 7, null),
            tokens: fc.integer({ min: 0, max: 1000 }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (rules, reqs) => {
          const s = spec({
            strategy: { mode: 'conditional' },
            rules: rules.map((r, i) => ({
              name: `r${i}`,
              ...(r.priority !== undefined ? { priority: r.priority } : {}),
              when: r.when,
              targets: [{ model_name: `m${i}` }],
            })),
          });
          const p = compilePolicy(s);
          for (const q of reqs) {
            const req = request({
              metadata: { ...(q.intent !== undefined ? { intent: q.intent } : {}), user: q.user },
              input_tokens: q.tokens,
            });
            expect(p.ruleIndex.firstMatch(req)?.name ?? null).toBe(p.rules.find((r) => r.test(req))?.name ?? null);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
