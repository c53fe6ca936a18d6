import { describe, expect, it } from 'vitest';
import { scoreAssertionSync } from '../../../../src/scoring/index.js';
import { REGEX_SCAN_LIMIT } from '../../../../src/scoring/text.js';
import { assertion } from '../assertion.js';

describe('regex', () => {
  it('passes when the pattern matches, with flags', () => {
    const a = assertion({ type: 'regex', pattern: 'order #\\d{4}', flags: 'i' });
    expect(scoreAssertionSync(a, 'Your ORDER #1234 shipped').pass).toBe(true);
    expect(scoreAssertionSync(a, 'Your order shipped').reason).toMatch(/no match/);
  });

  it('scans only the first REGEX_SCAN_LIMIT characters and says so', () => {
    const a = assertion({ type: 'regex', pattern: 'needle' });
    const r = scoreAssertionSync(a, `${'x'.repeat(REGEX_SCAN_LIMIT)}needle`);
    expect(r.pass).toBe(false);
    expect(r.reason).toContain(`first ${REGEX_SCAN_LIMIT} chars scanned`);
  });

  it('reports a pattern that does not compile as a failure, not an exception', () => {
    expect(scoreAssertionSync({ type: 'regex', pattern: '(', weight: 1 }, 'x')).toMatchObject({ score: 0, pass: false });
  });
});
