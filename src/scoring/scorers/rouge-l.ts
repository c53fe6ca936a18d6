import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, NO_EXPECTED, expectedText, failed, scored } from '../scorer-kit.js';
import { LCS_TOKEN_LIMIT, wordTokens } from '../text.js';

export const ROUGE_L_PASS = 0.5;

/**
 * ROUGE-L F1 over words: longest common subsequence, so word order counts but gaps are allowed.
 * Each side is cut to LCS_TOKEN_LIMIT words to bound the O(n·m) table.
 */
export function scoreRougeL(a: AssertionOf<'rouge_l'>, output: string, reference?: string): ScoreResult {
  const expected = expectedText(a.value, reference);
  if (expected === undefined) return failed(NO_EXPECTED);
  const f = rougeL(wordTokens(output).slice(0, LCS_TOKEN_LIMIT), wordTokens(expected).slice(0, LCS_TOKEN_LIMIT));
  return scored(f, f >= ROUGE_L_PASS, `ROUGE-L ${f.toFixed(3)}`);
}

export function rougeL(got: readonly string[], want: readonly string[]): number {
  if (got.length === 0 || want.length === 0) return got.length === want.length ? 1 : 0;
  const lcs = lcsLength(got, want);
  if (lcs === 0) return 0;
  const precision = lcs / got.length;
  const recall = lcs / want.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Two rolling rows: memory O(m) however long the inputs. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? (prev[j - 1] ?? 0) + 1 : Math.max(prev[j] ?? 0, cur[j - 1] ?? 0);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] ?? 0;
}
