import { describe, expect, it } from 'vitest';
import { extractFinalNumber, scoreAssertionSync } from '../../../../src/scoring/index.js';
import { assertion } from '../assertion.js';

describe('extractFinalNumber', () => {
  it.each([
    ['She sells 9 eggs for 9 * $2 = $<<9*2=18>>18.\n#### 18', 18],
    ['So she makes $18 every day.', 18],
    ['The total is 1,234.5 dollars.', 1234.5],
    ['The answer is 18. I checked with 3 other methods.', 18],
    ['Answer: -7', -7],
    ['so the result is \\boxed{42}', 42],
    ['That is 60% of the students.', 60],
    ['It takes 16 - 7 = 9', 9],
    ['130,00', 0],
    ['no digits here', undefined],
  ])('%j → %s', (text, expected) => {
    expect(extractFinalNumber(text)).toBe(expected);
  });
});

describe('numeric', () => {
  it('compares the final number with the expected one within the tolerance', () => {
    const a = assertion({ type: 'numeric', value: 3.14, tolerance: 0.01 });
    expect(scoreAssertionSync(a, 'pi is about 3.141').pass).toBe(true);
    expect(scoreAssertionSync(a, 'pi is about 3.2')).toMatchObject({ pass: false, reason: 'got 3.2, expected 3.14' });
  });

  it('takes the expected number from a GSM8K-style reference', () => {
    expect(scoreAssertionSync(assertion({ type: 'numeric' }), 'He made $70,000.', 'profit 200,000-130,000\n#### 70000').pass).toBe(true);
  });

  it('fails with a reason when the output holds no number', () => {
    expect(scoreAssertionSync(assertion({ type: 'numeric', value: 1 }), 'I do not know')).toMatchObject({
      score: 0,
      reason: 'no number in the output, expected 1',
    });
  });
});
