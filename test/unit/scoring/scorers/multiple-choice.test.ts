import { describe, expect, it } from 'vitest';
import { extractChoice, scoreAssertionSync } from '../../../../src/scoring/index.js';
import { assertion } from '../assertion.js';

describe('extractChoice', () => {
  it.each([
    ['Answer: C', 'C'],
    ['The correct answer is (B) because of gravity.', 'B'],
    ['I think about it. The answer is **D**', 'D'],
    ['C.', 'C'],
    ['(A)', 'A'],
    ['B) Mars, since it is red', 'B'],
    ['Let me think.\nA. is wrong, so the answer is C', 'C'],
    ['I believe it is a hard question', undefined],
  ])('%j → %s', (text, expected) => {
    expect(extractChoice(text, 'ABCD')).toBe(expected);
  });
});

describe('multiple_choice', () => {
  it('passes when the chosen letter is the expected one (value or reference)', () => {
    expect(scoreAssertionSync(assertion({ type: 'multiple_choice', value: 'c' }), 'Answer: C').pass).toBe(true);
    expect(scoreAssertionSync(assertion({ type: 'multiple_choice' }), 'Answer: (B)', 'C')).toMatchObject({
      pass: false,
      reason: 'chose B, expected C',
    });
  });

  it('ignores letters outside the choices', () => {
    expect(scoreAssertionSync(assertion({ type: 'multiple_choice', value: 'B', choices: 'AB' }), 'Answer: E').reason).toBe(
      'no choice found, expected B',
    );
  });
});
