import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, NO_EXPECTED, failed, passed } from '../scorer-kit.js';
import { extractFinalNumber } from '../extract-number.js';

/**
 * The final number in the output equals the expected one within `tolerance` (absolute). The
 * expected number is `value`, else the final number of the reference, so a GSM8K solution with
 * `#### 18` works as a reference unchanged.
 */
export function scoreNumeric(a: AssertionOf<'numeric'>, output: string, reference?: string): ScoreResult {
  const expected = a.value ?? (reference === undefined ? undefined : extractFinalNumber(reference));
  if (expected === undefined) return failed(reference === undefined ? NO_EXPECTED : 'reference holds no number');
  const got = extractFinalNumber(output);
  if (got === undefined) return failed(`no number in the output, expected ${expected}`);
  return Math.abs(got - expected) <= a.tolerance ? passed(`got ${got}, expected ${expected}`) : failed(`got ${got}, expected ${expected}`);
}
