import { describe, expect, it } from 'vitest';
import { newRunId } from '../../../src/jobs/run-id.js';
import { redactString } from '../../../src/redact/redact-text.js';

describe('run ids', () => {
  it('keep their shape and are never taken for a secret by the output redactor', () => {
    const at = Date.UTC(2026, 10, 25);
    // About 6% of random 6-hex suffixes are all decimal digits: with the date that is a 12-digit run,
    // and one in ten of those passes Luhn (r261125-386803 was printed as r[REDACTED:card]).
    for (let i = 0; i < 20_000; i++) {
      const id = newRunId(at);
      expect(id).toMatch(/^r261125-[0-9a-f]{6}$/);
      expect(redactString(id)).toBe(id);
    }
  });
});
