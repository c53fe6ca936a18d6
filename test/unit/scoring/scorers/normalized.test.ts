import { describe, expect, it } from 'vitest';
import { scoreAssertionSync } from '../../../../src/scoring/index.js';
import { assertion } from '../assertion.js';

describe('normalized', () => {
  it('ignores case, whitespace runs and punctuation', () => {
    const a = assertion({ type: 'normalized', value: 'New York City' });
    expect(scoreAssertionSync(a, '  new   york, city! ').pass).toBe(true);
    expect(scoreAssertionSync(a, 'ＮＥＷ ＹＯＲＫ CITY').pass).toBe(true);
    expect(scoreAssertionSync(a, 'New York').pass).toBe(false);
  });
});
