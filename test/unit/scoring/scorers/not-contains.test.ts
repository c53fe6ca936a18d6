import { describe, expect, it } from 'vitest';
import { scoreAssertionSync } from '../../../../src/scoring/index.js';
import { assertion } from '../assertion.js';

describe('not_contains', () => {
  it('mode any fails when any forbidden value appears', () => {
    const a = assertion({ type: 'not_contains', values: ['as an AI', 'password'] });
    expect(scoreAssertionSync(a, 'Here you go.')).toMatchObject({ score: 1, pass: true });
    const r = scoreAssertionSync(a, 'As an AI I think...');
    expect(r).toMatchObject({ score: 0.5, pass: false });
    expect(r.reason).toContain('"as an AI"');
  });

  it('mode all fails only when every value appears', () => {
    const a = assertion({ type: 'not_contains', values: ['foo', 'bar'], mode: 'all' });
    expect(scoreAssertionSync(a, 'foo only').pass).toBe(true);
    expect(scoreAssertionSync(a, 'foo and bar')).toMatchObject({ score: 0, pass: false });
  });
});
