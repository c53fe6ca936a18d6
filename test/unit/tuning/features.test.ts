import { describe, expect, it } from 'vitest';
import { requestInput } from '../../../src/domain/request-input.js';
import type { RunCase } from '../../../src/domain/run.js';
import { compileCondition } from '../../../src/policy/condition.js';
import { buildFeatures, lastParagraph, lastParagraphKeywordTest, wordsOf } from '../../../src/tuning/features.js';
import { groupFeatures } from '../../../src/tuning/group-features.js';
import type { Grouping } from '../../../src/tuning/grouping.js';

const request = (text: string) => ({
  metadata: {},
  params: {},
  input_tokens: 10,
  timestamp_ms: 0,
  input: requestInput([{ role: 'user', content: text }]),
});

// A few-shot prompt: the same worked examples in every request, then the request's own question.
const SHOTS = 'Q: Is the sky not green?\nA: yes\n\nQ: Is fire cold?\nA: no\n\n';
const caseOf = (i: number, question: string): RunCase => ({
  case_id: `c${i}`,
  split: 'train',
  timestamp: null,
  metadata: {},
  params: {},
  input_tokens: 10,
  input: requestInput([{ role: 'user', content: `${SHOTS}Q: ${question}\nA:` }]),
});

describe('keywords of the last paragraph', () => {
  it('the router reads a last-paragraph keyword exactly as the proposer counts it', () => {
    const texts = [
      'is it not so',
      'not here\n\nbut there',
      'here\n\nnot there',
      'NOT at the end\n',
      'not\n\n',
      'a\n\n\nnot b',
      'x not\ny\n\nz',
      'x\n\ny not\nz\n',
      'nothing is knot',
      '',
    ];
    const holds = compileCondition({ 'input.text': lastParagraphKeywordTest('not') }, [], []);
    for (const text of texts) expect([text, holds(request(text))]).toEqual([text, wordsOf(lastParagraph(text)).has('not')]);
  });

  it('a word of the shared examples is no test; the same word in the question is one', () => {
    const cases = Array.from({ length: 40 }, (_, i) => caseOf(i, i % 2 ? 'Is water not wet?' : 'Is sand wet?'));
    const set = buildFeatures(
      cases,
      cases.map((_, i) => i),
      { minSupport: 5 },
    );
    const labels = set.features.map((f) => f.label);
    // "not" is in every request's examples: as a whole-text keyword it holds everywhere.
    expect(labels).not.toContain('text has "not"');
    expect(labels).toContain('last paragraph has "not"');
    const f = labels.indexOf('last paragraph has "not"');
    expect(cases.map((_, i) => set.holds[i]?.includes(f))).toEqual(cases.map((_, i) => i % 2 === 1));
    // A question's word that no example has tells requests apart as well over the whole text: once.
    expect(labels.filter((l) => l.endsWith('"water"'))).toEqual(['text has "water"']);
  });
});

describe('candidate tests per segment', () => {
  // Two tasks of very different prompt lengths: the long one is most of the run.
  const cases: RunCase[] = Array.from({ length: 400 }, (_, i) => ({
    case_id: `g${i}`,
    split: 'train',
    timestamp: null,
    metadata: { task: i < 50 ? 'short' : 'long' },
    params: {},
    input_tokens: i < 50 ? 10 + (i % 10) : 1000 + i,
    input: null,
  }));
  const rows = cases.map((_, i) => i);
  const bySegment: Grouping = {
    kind: 'segments',
    keyOf: (r) => String(cases[r]?.metadata.task),
    rules: [],
  };
  const tokenTests = (set: ReturnType<typeof groupFeatures>) =>
    set.features.filter((f) => f.field === 'input_tokens').map((f) => (f.test as { $lte: number }).$lte);

  it('puts thresholds inside a small segment at its own quantiles, where run-wide ones fall outside it', () => {
    const options = { minSupport: 5 };
    expect(tokenTests(buildFeatures(cases, rows, options)).filter((t) => t < 20)).toEqual([]);
    const set = groupFeatures(cases, rows, bySegment, options);
    const inShort = tokenTests(set).filter((t) => t < 20);
    expect(inShort.length).toBeGreaterThan(3);
    // A segment's tests hold only on its own cases.
    const f = set.features.findIndex((x) => x.field === 'input_tokens' && (x.test as { $lte: number }).$lte < 20);
    expect(cases.filter((_, r) => set.holds[r]?.includes(f)).every((c) => c.metadata.task === 'short')).toBe(true);
  });
});
