import { describe, expect, it } from 'vitest';
import { scoreAssertionSync } from '../../../../src/scoring/index.js';
import { assertion } from '../assertion.js';

describe('exact', () => {
  it('matches the value exactly, ignoring only surrounding whitespace', () => {
    expect(scoreAssertionSync(assertion({ type: 'exact', value: 'Paris' }), 'Paris\n')).toMatchObject({ score: 1, pass: true });
    expect(scoreAssertionSync(assertion({ type: 'exact', value: 'Paris' }), 'paris')).toMatchObject({
      score: 0,
      pass: false,
      reason: 'expected "Paris", got "paris"',
    });
  });

  it('compares with the case reference when it has no value', () => {
    expect(scoreAssertionSync(assertion({ type: 'exact' }), 'Paris', 'Paris').pass).toBe(true);
    expect(scoreAssertionSync(assertion({ type: 'exact' }), 'Paris').reason).toMatch(/no value and no case reference/);
  });
});
