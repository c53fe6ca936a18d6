import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, NO_EXPECTED, expectedText, failed, passed } from '../scorer-kit.js';
import { quote } from '../text.js';

/** Byte-for-byte equality after trimming the ends: models add trailing newlines freely. */
export function scoreExact(a: AssertionOf<'exact'>, output: string, reference?: string): ScoreResult {
  const expected = expectedText(a.value, reference);
  if (expected === undefined) return failed(NO_EXPECTED);
  return output.trim() === expected.trim() ? passed('exact match') : failed(`expected ${quote(expected)}, got ${quote(output.trim())}`);
}
