import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, NO_EXPECTED, expectedText, failed, scored } from '../scorer-kit.js';
import { answerTokens } from '../text.js';

/** Default pass mark: half the words shared, a common SQuAD-style cut. */
export const TOKEN_F1_PASS = 0.5;

/** SQuAD token F1: bag-of-words overlap after lower-casing and dropping punctuation and articles. */
export function scoreTokenF1(a: AssertionOf<'token_f1'>, output: string, reference?: string): ScoreResult {
  const expected = expectedText(a.value, reference);
  if (expected === undefined) return failed(NO_EXPECTED);
  const f1 = tokenF1(answerTokens(output), answerTokens(expected));
  return scored(f1, f1 >= TOKEN_F1_PASS, `token F1 ${f1.toFixed(3)}`);
}

export function tokenF1(got: readonly string[], want: readonly string[]): number {
  if (got.length === 0 || want.length === 0) return got.length === want.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of want) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of got) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      common++;
      counts.set(t, c - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / got.length;
  const recall = common / want.length;
  return (2 * precision * recall) / (precision + recall);
}
