import { HIT, keywordEndsAt, TRANSITIONS } from './keyword-scan.js';

// The gate's one pass over a text (what content-rules.ts runs only when this says a rule could match).

/** What one pass over a text finds: enough to skip every rule that cannot match. */
export interface TextProfile {
  /** ASCII digits. */
  digits: number;
  /** The longest run of digits with at most 3 separators (space . - ( ) + /) between two digits. */
  run: number;
  /** The longest run of characters that are neither white space nor quotes. */
  token: number;
  /** Any of `@`. */
  at: boolean;
  /** Any of `:` `=` `[` `(` `{` (assignments, URLs, `[at]`). */
  punct: boolean;
  /** Any `%` or non-ASCII character: the text may need normalising before matching. */
  odd: boolean;
  /** KEYWORDS matches somewhere in the text (keyword-scan.ts, in the same pass). */
  keyword: boolean;
}

/** Texts with a token this long may hold a bare key (`AKIA…`, `sk-…`, `Bearer abcdef123456`). */
export const LONG_TOKEN = 12;

const C_DIGIT = 1;
const C_SEP = 2;
const C_BREAK = 4;
const C_AT = 8;
const C_PUNCT = 16;
/** The last character of a keyword with a repeated class (keywordEndsAt). */
const C_LOOKBACK = 32;
const C_PERCENT = 64;
/** One lookup per ASCII character instead of a chain of comparisons. */
const CLASS = (() => {
  const t = new Uint8Array(128);
  const add = (chars: string, k: number) => {
    for (const ch of chars) t[ch.charCodeAt(0)] = (t[ch.charCodeAt(0)] as number) | k;
  };
  for (let c = 48; c <= 57; c++) t[c] = C_DIGIT;
  add(' .-()+/', C_SEP);
  add(' \n\t\r"\'', C_BREAK);
  add(':=[({', C_PUNCT);
  add('=-_)]}', C_LOOKBACK);
  add('@', C_AT);
  add('%', C_PERCENT);
  return t;
})();

/** One pass, one table lookup per character. */
export function profileText(text: string): TextProfile {
  return profileInto(text, { digits: 0, run: 0, token: 0, at: false, punct: false, odd: false, keyword: false });
}

/**
 * True when no built-in rule can match the text, even once normalised: no keyword in it (or it has
 * neither a long token nor an assignment character), no `@`, no run of 9 digits, nothing to
 * normalise. The cheap gate in front of everything else: most strings of real traffic (roles,
 * timestamps, prose, ids, model names) stop here, with no allocation. A superset of `apply`'s own
 * early return.
 */
export function cannotHoldSecret(text: string): boolean {
  return nothingToFind(profileInto(text, scratch));
}

/** The gate's test on a profile (see cannotHoldSecret). */
export function nothingToFind(p: TextProfile): boolean {
  return !p.odd && !p.at && p.run < 9 && !(p.keyword && (p.token >= LONG_TOKEN || p.punct));
}

const scratch: TextProfile = { digits: 0, run: 0, token: 0, at: false, punct: false, odd: false, keyword: false };

/** profileText into a caller's object (no allocation). */
export function profileInto(text: string, out: TextProfile): TextProfile {
  let digits = 0;
  let run = 0;
  let cur = 0;
  let gap = 0;
  let token = 0;
  let curToken = 0;
  let at = false;
  let punct = false;
  let odd = false;
  // The keyword automaton's state (keyword-scan.ts); HIT absorbs. Its tables are read into locals:
  // an imported binding is checked on every read.
  const next = TRANSITIONS;
  const hit = HIT;
  let state = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    // A run of letters at once: most characters are letters, and a run only steps the automaton,
    // ends a digit run and extends the token.
    if (((c | 32) - 97) >>> 0 <= 25) {
      const from = i;
      state = next[state + c] as number;
      while (i + 1 < n) {
        c = text.charCodeAt(i + 1);
        if (((c | 32) - 97) >>> 0 > 25) break;
        state = next[state + c] as number;
        i++;
      }
      cur = 0;
      gap = 0;
      curToken += i - from + 1;
      if (curToken > token) token = curToken;
      continue;
    }
    let k: number;
    if (c < 128) {
      state = next[state + c] as number;
      k = CLASS[c] as number;
    } else {
      state = next[state] as number;
      k = C_PERCENT;
    }
    if (k & C_DIGIT) {
      digits++;
      cur++;
      gap = 0;
      if (cur > run) run = cur;
    } else if (k & C_SEP && cur > 0 && gap < 3) {
      gap++;
    } else {
      cur = 0;
      gap = 0;
    }
    if (k & C_BREAK) curToken = 0;
    else if (++curToken > token) token = curToken;
    if (k > C_BREAK) {
      if (k & C_AT) at = true;
      else if (k & C_PERCENT) odd = true;
      if (k & C_PUNCT) punct = true;
      if (k & C_LOOKBACK && state !== hit && keywordEndsAt(text, i, 0)) state = hit;
    }
  }
  out.digits = digits;
  out.run = run;
  out.token = token;
  out.at = at;
  out.punct = punct;
  out.odd = odd;
  out.keyword = state === hit;
  return out;
}
