import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Assertion, GoldenCase, type ScoreResult } from '../../../src/domain/golden-case.js';
import { scoreAssertionSync, scoreCase } from '../../../src/scoring/index.js';

/** One of every non-judge assertion, with values drawn from the same generator as outputs. */
const assertionArb: fc.Arbitrary<Assertion> = fc
  .tuple(
    fc.constantFrom<Assertion['type']>(
      'exact',
      'normalized',
      'contains',
      'not_contains',
      'regex',
      'json_valid',
      'json_schema',
      'json_equal',
      'json_subset',
      'numeric',
      'multiple_choice',
      'token_f1',
      'rouge_l',
      'levenshtein',
      'length',
      'refusal',
    ),
    fc.string({ minLength: 1, maxLength: 20 }),
    fc.jsonValue(),
    fc.double({ noNaN: true, min: -1e9, max: 1e9 }),
    fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  )
  .map(([type, text, json, num, threshold]) => {
    const spec: Record<string, unknown> = { type, threshold };
    if (['exact', 'normalized', 'token_f1', 'rouge_l', 'levenshtein'].includes(type)) spec.value = text;
    if (type === 'contains' || type === 'not_contains') spec.values = [text, 'x'];
    if (type === 'regex') spec.pattern = 'a.c|\\d+';
    if (type === 'json_schema') spec.schema = { type: 'object', required: ['a'] };
    if (type === 'json_equal' || type === 'json_subset') spec.value = json;
    if (type === 'numeric') spec.value = num;
    if (type === 'multiple_choice') spec.value = 'C';
    if (type === 'length') Object.assign(spec, { min: 1, max: 50 });
    return Assertion.parse(spec);
  });

/** Model output at its worst: control characters, lone surrogates, broken JSON, huge strings. */
const outputArb = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) }),
  fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
  fc.jsonValue().map((v) => `\`\`\`json\n${JSON.stringify(v)}`),
  fc.constantFrom('{"a": ', '```json\n{]\n```', '#### ', '$,.', 'Answer: ', '\u0000\u0007\u001b[31m', '9'.repeat(400), '\ud800'),
  fc.integer({ min: 50_000, max: 200_000 }).map((n) => 'ab c1 '.repeat(n / 6)),
);

function valid(r: ScoreResult): boolean {
  return Number.isFinite(r.score) && r.score >= 0 && r.score <= 1 && typeof r.pass === 'boolean' && typeof r.reason === 'string';
}

describe('scorer properties', () => {
  it('never throw and keep scores in [0, 1], whatever the output and reference', () => {
    fc.assert(
      fc.property(assertionArb, outputArb, fc.option(fc.string(), { nil: undefined }), (a, output, reference) => {
        expect(valid(scoreAssertionSync(a, output, reference))).toBe(true);
        expect(valid(scoreAssertionSync(a, null, reference))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('score identical text 1 where that is the definition', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        for (const type of ['exact', 'normalized', 'token_f1', 'rouge_l', 'levenshtein'] as const) {
          const r = scoreAssertionSync(Assertion.parse({ type }), text, text);
          expect(r, `${type} on ${JSON.stringify(text)}`).toMatchObject({ score: 1, pass: true });
        }
      }),
    );
  });

  it('score identical JSON 1 for json_equal and json_subset', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        for (const type of ['json_equal', 'json_subset'] as const) {
          expect(scoreAssertionSync(Assertion.parse({ type }), text, text).score).toBe(1);
        }
      }),
    );
  });

  it('numeric: a number printed plainly scores 1 against itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 99 }), (whole, cents) => {
        const n = whole + Math.sign(whole || 1) * (cents / 100);
        const text = `The answer is ${n.toLocaleString('en-US', { maximumFractionDigits: 2 })}.`;
        expect(scoreAssertionSync(Assertion.parse({ type: 'numeric', value: n, tolerance: 1e-6 }), text).pass).toBe(true);
      }),
    );
  });

  it('stays fast on a huge output that invites backtracking', () => {
    const a = Assertion.parse({ type: 'regex', pattern: '(x|xx)y' });
    // CPU time, not wall time: a busy machine stretches the wall clock, not the work done.
    const started = process.cpuUsage();
    expect(scoreAssertionSync(a, 'x'.repeat(5_000_000)).pass).toBe(false);
    expect(scoreAssertionSync(Assertion.parse({ type: 'rouge_l', value: 'a '.repeat(100_000) }), 'a '.repeat(100_000)).score).toBe(1);
    expect(scoreAssertionSync(Assertion.parse({ type: 'levenshtein', value: 'b'.repeat(1_000_000) }), 'c'.repeat(1_000_000)).score).toBe(0);
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(10_000);
  });
});

describe('judge properties', () => {
  it('never throw and keep scores in [0, 1], whatever the judge replies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('rubric', 'pairwise'),
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
          fc.constantFrom('{"score": 1e999}', '{"score": -5}', '{"winner": "C"}', 'score: 99', '{"score": "7"}'),
        ),
        fc.constantFrom(200, 429, 500),
        outputArb,
        async (mode, reply, status, output) => {
          const gcase = GoldenCase.parse({ id: 'p', input: 'q', reference: 'ref', assertions: [{ type: 'judge', mode }] });
          const r = await scoreCase(gcase, output, { judge: async () => ({ status, output: reply }), judgeModel: 'j' });
          expect(valid(r)).toBe(true);
          expect(r.assertions.every(valid)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
