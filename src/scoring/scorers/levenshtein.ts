import { distance } from 'fastest-levenshtein';
import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, NO_EXPECTED, expectedText, failed, scored } from '../scorer-kit.js';
import { EDIT_CHAR_LIMIT } from '../text.js';

export const LEVENSHTEIN_PASS = 0.8;

/**
 * 1 − edit distance / length of the longer string, on the trimmed texts (each cut to
 * EDIT_CHAR_LIMIT characters so a runaway output costs bounded time).
 */
export function scoreLevenshtein(a: AssertionOf<'levenshtein'>, output: string, reference?: string): ScoreResult {
  const expected = expectedText(a.value, reference);
  if (expected === undefined) return failed(NO_EXPECTED);
  const r = levenshteinRatio(output.trim().slice(0, EDIT_CHAR_LIMIT), expected.trim().slice(0, EDIT_CHAR_LIMIT));
  return scored(r, r >= LEVENSHTEIN_PASS, `Levenshtein ratio ${r.toFixed(3)}`);
}

export function levenshteinRatio(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  return 1 - distance(a, b) / longest;
}
