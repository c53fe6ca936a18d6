import { describe, expect, it } from 'vitest';
import { scoreAssertionSync } from '../../../../src/scoring/index.js';
import { assertion } from '../assertion.js';

describe('length', () => {
  it('checks characters (code points) within bounds', () => {
    const a = assertion({ type: 'length', min: 2, max: 5 });
    expect(scoreAssertionSync(a, ' 😀😀😀 ').pass).toBe(true);
    expect(scoreAssertionSync(a, 'abcdef').reason).toBe('6 chars, above [2, 5]');
    expect(scoreAssertionSync(a, 'a').reason).toBe('1 chars, below [2, 5]');
  });

  it('counts words', () => {
    expect(scoreAssertionSync(assertion({ type: 'length', max: 3, unit: 'words' }), 'one two  three four').pass).toBe(false);
  });
});
