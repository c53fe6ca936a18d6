import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, NO_EXPECTED, expectedText, failed, passed } from '../scorer-kit.js';
import { normalizeText, quote } from '../text.js';

/** Equality ignoring case, whitespace runs and punctuation ("Paris." matches "paris"). */
export function scoreNormalized(a: AssertionOf<'normalized'>, output: string, reference?: string): ScoreResult {
  const expected = expectedText(a.value, reference);
  if (expected === undefined) return failed(NO_EXPECTED);
  const want = normalizeText(expected);
  const got = normalizeText(output);
  return got === want ? passed('normalized match') : failed(`expected ${quote(want)}, got ${quote(got)} (normalized)`);
}
