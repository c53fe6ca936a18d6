/**
 * KEYWORDS found inside the character pass (text-profile.ts, profileInto) instead of by a regex
 * afterwards: one table lookup per character. The fixed keywords form one Aho–Corasick automaton
 * (a state and a character give the next state; every state that ends a keyword is one
 * absorbing HIT state), and the four keywords with a repeated class are checked by looking back a
 * bounded number of characters from their one fixed last character (`=`, `-`, `_`, a closing
 * bracket). Linear in the text. A unit test holds it to KEYWORDS on generated text. Pure.
 */

/**
 * Every rule that is not `pii` needs one of these keywords or key prefixes (case-insensitive), and a
 * text holding one also has a long token or an assignment / URL character (TextProfile). The
 * specification of the scan below, which is what runs; kept in step with BUILT_IN_RULES by the tests.
 */
export const KEYWORDS =
  /sk-|[sr]k_|pk_|whsec_|A3T|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA|ABIA|ACCA|bearer|basic|eyJ|:\/\/|[?&;][a-z_-]{1,25}=|AccountKey|SharedAccess|key|secret|token|pass|pwd|cookie|credential|ssn|social|gh[pousr]_|github_pat|gl[a-z]{1,4}-|xox|xapp|AIza|ya29|1\/\/0|hf_|api_org_|npm_|gsk_|SG\.|shp|lin_api|ntn_|hv[sbr]\.|v[a-z]{2}_|dapi|dckr_|figd_|gl(?:c|sa)_|ops_|:AA|PRIVATE KEY|authori|[[({]\s{0,2}at\s{0,2}[\])}]/i;

/** The fixed keywords of KEYWORDS, lower case, classes spelled out. */
const FIXED = [
  'sk-',
  'sk_',
  'rk_',
  'pk_',
  'whsec_',
  'a3t',
  'akia',
  'agpa',
  'aida',
  'aroa',
  'aipa',
  'anpa',
  'anva',
  'asia',
  'abia',
  'acca',
  'bearer',
  'basic',
  'eyj',
  '://',
  'accountkey',
  'sharedaccess',
  'key',
  'secret',
  'token',
  'pass',
  'pwd',
  'cookie',
  'credential',
  'ssn',
  'social',
  ...[...'pousr'].map((c) => `gh${c}_`),
  'github_pat',
  'xox',
  'xapp',
  'aiza',
  'ya29',
  '1//0',
  'hf_',
  'api_org_',
  'npm_',
  'gsk_',
  'sg.',
  'shp',
  'lin_api',
  'ntn_',
  ...[...'sbr'].map((c) => `hv${c}.`),
  'dapi',
  'dckr_',
  'figd_',
  'glc_',
  'glsa_',
  'ops_',
  ':aa',
  'private key',
  'authori',
];

/** The automaton's column of each ASCII character: one per character the keywords use (either case), 0 for the rest. */
const COLUMN = new Uint8Array(128);
const { table, hit } = build();
/**
 * Next state = TRANSITIONS[state + c] for an ASCII character c, TRANSITIONS[state] for any other
 * (NUL is in no keyword): a row of 128 per state, so states are multiples of 128; 0 is the start.
 */
export const TRANSITIONS = table;
/** The absorbing state: some keyword has been seen. */
export const HIT = hit;

function build(): { table: Uint16Array; hit: number } {
  let columns = 1;
  for (const word of FIXED) {
    for (const ch of word) {
      const c = ch.charCodeAt(0);
      if (COLUMN[c] !== 0) continue;
      COLUMN[c] = columns;
      const upper = ch.toUpperCase().charCodeAt(0);
      if (upper !== c) COLUMN[upper] = columns;
      columns++;
    }
  }
  // The trie, then failure links breadth first (Aho–Corasick), then a full transition table.
  const next: number[][] = [new Array<number>(columns).fill(-1)];
  const ends: boolean[] = [false];
  for (const word of FIXED) {
    let s = 0;
    for (const ch of word) {
      const col = COLUMN[ch.charCodeAt(0)] as number;
      let t = (next[s] as number[])[col] as number;
      if (t === -1) {
        t = next.length;
        next.push(new Array<number>(columns).fill(-1));
        ends.push(false);
        (next[s] as number[])[col] = t;
      }
      s = t;
    }
    ends[s] = true;
  }
  const delta: number[][] = next.map((row) => row.slice());
  const fail = new Array<number>(next.length).fill(0);
  const queue: number[] = [];
  for (let col = 0; col < columns; col++) {
    const t = (next[0] as number[])[col] as number;
    if (t === -1) (delta[0] as number[])[col] = 0;
    else queue.push(t);
  }
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q] as number;
    if (ends[fail[s] as number]) ends[s] = true;
    for (let col = 0; col < columns; col++) {
      const t = (next[s] as number[])[col] as number;
      const viaFail = (delta[fail[s] as number] as number[])[col] as number;
      if (t === -1) (delta[s] as number[])[col] = viaFail;
      else {
        fail[t] = viaFail;
        queue.push(t);
      }
    }
  }
  // States that end a keyword become one absorbing HIT state; the others are renumbered densely.
  const index = new Array<number>(next.length).fill(-1);
  let live = 0;
  for (let s = 0; s < next.length; s++) if (!ends[s]) index[s] = live++;
  const hitState = live;
  const out = new Uint16Array((live + 1) * 128);
  for (let s = 0; s < next.length; s++) {
    if (ends[s]) continue;
    for (let c = 0; c < 128; c++) {
      const t = (delta[s] as number[])[COLUMN[c] as number] as number;
      out[(index[s] as number) * 128 + c] = (ends[t] ? hitState : (index[t] as number)) * 128;
    }
  }
  out.fill(hitState * 128, hitState * 128);
  return { table: out, hit: hitState * 128 };
}

const isLetter = (c: number) => ((c | 32) - 97) >>> 0 <= 25;
/** `\s` of a JavaScript regex. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return (
    c === 160 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * The keywords with a repeated class, each ending at `i` on its one fixed last character, looking
 * back no further than `from`: `[?&;][a-z_-]{1,25}=`, `gl[a-z]{1,4}-`, `v[a-z]{2}_`,
 * `[[({]\s{0,2}at\s{0,2}[\])}]`. At most 26 characters back.
 */
export function keywordEndsAt(text: string, i: number, from: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 61) {
    // `=`: a run of 1–25 letters, `_` or `-` after `?`, `&` or `;`.
    let j = i - 1;
    while (j >= from && i - j <= 26) {
      const d = text.charCodeAt(j);
      if (!(isLetter(d) || d === 95 || d === 45)) break;
      j--;
    }
    const run = i - 1 - j;
    if (run < 1 || run > 25 || j < from) return false;
    const d = text.charCodeAt(j);
    return d === 63 || d === 38 || d === 59;
  }
  if (c === 45) {
    // `-`: `gl` and 1–4 letters.
    let run = 0;
    while (run < 6 && i - run - 1 >= from && isLetter(text.charCodeAt(i - run - 1))) run++;
    for (let k = 1; k <= 4 && k + 2 <= run; k++) {
      if ((text.charCodeAt(i - k - 2) | 32) === 103 && (text.charCodeAt(i - k - 1) | 32) === 108) return true;
    }
    return false;
  }
  if (c === 95) {
    // `_`: `v` and two letters.
    return i - 3 >= from && (text.charCodeAt(i - 3) | 32) === 118 && isLetter(text.charCodeAt(i - 2)) && isLetter(text.charCodeAt(i - 1));
  }
  if (c === 41 || c === 93 || c === 125) {
    // A closing bracket: an opening one, `at`, up to two spaces either side of it.
    let j = i - 1;
    for (let k = 0; k < 2 && j >= from && isSpace(text.charCodeAt(j)); k++) j--;
    if (j - 1 < from || (text.charCodeAt(j) | 32) !== 116 || (text.charCodeAt(j - 1) | 32) !== 97) return false;
    j -= 2;
    for (let k = 0; k < 2 && j >= from && isSpace(text.charCodeAt(j)); k++) j--;
    if (j < from) return false;
    const d = text.charCodeAt(j);
    return d === 91 || d === 40 || d === 123;
  }
  return false;
}

/** True when KEYWORDS matches inside text[from, to). */
export function keywordIn(text: string, from = 0, to = text.length): boolean {
  let s = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    s = TRANSITIONS[s + (c < 128 ? c : 0)] as number;
    if (s === HIT) return true;
    if ((c === 61 || c === 45 || c === 95 || c === 41 || c === 93 || c === 125) && keywordEndsAt(text, i, from)) return true;
  }
  return false;
}
