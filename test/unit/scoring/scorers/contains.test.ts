import { describe, expect, it } from 'vitest';
import { scoreAssertionSync } from '../../../../src/scoring/index.js';
import { assertion } from '../assertion.js';

describe('contains', () => {
  it('mode any passes on one hit, case-insensitively by default', () => {
    const a = assertion({ type: 'contains', values: ['refund', 'return'] });
    expect(scoreAssertionSync(a, 'You may RETURN it.')).toMatchObject({ score: 1, pass: true });
    expect(scoreAssertionSync(a, 'No.')).toMatchObject({ score: 0, pass: false });
  });

  it('mode all scores the share found and passes only when all are there', () => {
    const a = assertion({ type: 'contains', values: ['30', 'days', 'receipt'], mode: 'all' });
    const r = scoreAssertionSync(a, 'within 30 days');
    expect(r.pass).toBe(false);
    expect(r.score).toBeCloseTo(2 / 3);
    expect(r.reason).toContain('"receipt"');
    expect(scoreAssertionSync({ ...a, threshold: 0.6 }, 'within 30 days').pass).toBe(true);
  });

  it('respects case_sensitive', () => {
    expect(scoreAssertionSync(assertion({ type: 'contains', values: ['API'], case_sensitive: true }), 'the api').pass).toBe(false);
  });
});
