/**
 * Text helpers shared by the scorers. Every function here is total: any string in, a value out.
 * Long model outputs are cut before quadratic work (LCS, edit distance, regex) so a runaway
 * generation costs bounded time; the caps are far above any answer a golden case would expect.
 */

/** Characters a regex is run over: bounds the cost of a pattern that backtracks heavily. */
export const REGEX_SCAN_LIMIT = 20_000;
/** Tokens compared by ROUGE-L (LCS is O(n·m)). */
export const LCS_TOKEN_LIMIT = 2_000;
/** Characters compared by the Levenshtein ratio. */
export const EDIT_CHAR_LIMIT = 10_000;

/** Case-, whitespace- and punctuation-insensitive form (NFKC so full-width and ligatures fold). */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim();
}

/** Lower-cased words without punctuation, as SQuAD-style metrics count them. */
export function wordTokens(text: string): string[] {
  const norm = normalizeText(text);
  return norm === '' ? [] : norm.split(' ');
}

const ARTICLES = new Set(['a', 'an', 'the']);

/** SQuAD answer normalisation: words without punctuation and articles. */
export function answerTokens(text: string): string[] {
  return wordTokens(text).filter((t) => !ARTICLES.has(t));
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A short quotation of model output for a reason line, control characters made visible. */
export function quote(text: string, max = 40): string {
  return JSON.stringify(truncate(text, max));
}

export function clamp01(x: number): number {
  if (!Number.isFinite(x)) return 0;
  return Math.min(1, Math.max(0, x));
}
