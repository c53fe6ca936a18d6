/**
 * What the content rules see: the text a reader would see. A key split by a zero-width space, a
 * Unicode tag character or a soft hyphen, written in full-width letters, or percent-encoded in a
 * URL is the same key to whoever copies it, so it must be the same key to the rules. Pure.
 */

/**
 * Invisible format characters (general category Cf: zero-width, bidi controls, soft hyphen, tags
 * U+E0000–E007F, interlinear annotation, …) plus the fillers and joiners that render as nothing.
 * Linear: one character class, no quantifier nesting.
 */
export const INVISIBLE_CHARS = /[\p{Cf}\p{Variation_Selector}\u115f\u1160\u3164\uffa0\u{e0000}-\u{e007f}]|\u034f|\u17b4|\u17b5/gu;

const NON_ASCII = /[^\x00-\x7f]/;
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2}){1,256}/g;

/** True when `normaliseForMatching` could change the text: the common ASCII, %-free text skips it. */
export function needsNormalising(text: string): boolean {
  return text.includes('%') || NON_ASCII.test(text);
}

/**
 * Invisible characters removed, NFKC (full-width and compatibility forms to their plain letters),
 * percent-escapes decoded where they decode to valid UTF-8 (twice, for a doubly encoded value).
 */
export function normaliseForMatching(text: string): string {
  let out = text;
  if (NON_ASCII.test(out)) out = out.replace(INVISIBLE_CHARS, '').normalize('NFKC');
  for (let round = 0; round < 2 && out.includes('%'); round++) {
    const decoded = out.replace(PERCENT_RUN, decodeRun);
    if (decoded === out) break;
    out = decoded;
  }
  // Decoding may have produced invisible characters (%E2%80%8B is a zero-width space).
  if (out !== text && NON_ASCII.test(out)) out = out.replace(INVISIBLE_CHARS, '').normalize('NFKC');
  return out;
}

function decodeRun(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    // Not UTF-8 as a whole: decode the ASCII escapes only, which are what keys are made of.
    return run.replace(/%([0-7][0-9A-Fa-f])/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}
