import { describe, expect, it } from 'vitest';
import { scoreAssertionSync } from '../../../../src/scoring/index.js';
import { assertion } from '../assertion.js';

describe('token_f1', () => {
  it('is the SQuAD F1 of the word bags, ignoring articles and punctuation', () => {
    const r = scoreAssertionSync(assertion({ type: 'token_f1', value: 'the Eiffel Tower in Paris' }), 'Eiffel Tower.');
    expect(r.score).toBeCloseTo((2 * 1 * 0.5) / 1.5);
    expect(r.pass).toBe(true);
    expect(scoreAssertionSync(assertion({ type: 'token_f1' }), 'Berlin', 'Paris')).toMatchObject({ score: 0, pass: false });
  });
});

describe('rouge_l', () => {
  it('rewards the longest common word subsequence', () => {
    const a = assertion({ type: 'rouge_l', value: 'police killed the gunman' });
    expect(scoreAssertionSync(a, 'police kill the gunman').score).toBeCloseTo(0.75);
    expect(scoreAssertionSync(a, 'the gunman killed police').score).toBeCloseTo(0.5);
  });
});

describe('levenshtein', () => {
  it('is 1 − distance / longer length', () => {
    expect(scoreAssertionSync(assertion({ type: 'levenshtein', value: 'kitten' }), 'sitting').score).toBeCloseTo(1 - 3 / 7);
    expect(scoreAssertionSync(assertion({ type: 'levenshtein', value: 'colour' }), 'color').pass).toBe(true);
  });
});
