/**
 * The one terminal sanitizer. Traffic and model text is hostile input: an escape sequence in a
 * model's answer could move the cursor, recolour or clear the screen, write the clipboard (OSC 52),
 * plant a hyperlink (OSC 8) or reorder what a reviewer reads (bidi overrides). Everything shown in
 * the dashboard or a report goes through `sanitize` (multi-line) or `sanitizeInline` (a table cell).
 *
 * What is removed: whole escape sequences (CSI, OSC, DCS, SOS, PM, APC and two-byte ESC sequences,
 * in their 7-bit and 8-bit forms; an unterminated string sequence runs to the end of the text, as a
 * terminal would swallow it), every other C0/C1 control and DEL except `\n` and `\t`, bidi
 * embeddings/overrides/isolates/marks, zero-width / invisible format characters (all of Unicode's
 * category Cf, the tag characters U+E0000–E007F included). Pure and idempotent:
 * sanitize(sanitize(x)) === sanitize(x).
 */

/** Unicode format characters (Cf): invisible, and able to make two different names look alike. */
const FORMAT = /\p{Cf}/u;

const ESC = 0x1b;
const BEL = 0x07;
/** 8-bit string terminator. */
const ST8 = 0x9c;

/** Characters that reorder or hide text without showing themselves. */
const INVISIBLE = new Set<number>([
  0x00ad, // soft hyphen
  0x034f, // combining grapheme joiner
  0x061c, // arabic letter mark
  0x115f,
  0x1160, // hangul fillers
  0x17b4,
  0x17b5,
  0x180e, // mongolian vowel separator
  0x200b,
  0x200c,
  0x200d,
  0x200e,
  0x200f, // zero-width space / non-joiner / joiner, LRM, RLM
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e, // LRE RLE PDF LRO RLO
  0x2060,
  0x2061,
  0x2062,
  0x2063,
  0x2064, // word joiner, invisible operators
  0x2066,
  0x2067,
  0x2068,
  0x2069, // LRI RLI FSI PDI
  0x206a,
  0x206b,
  0x206c,
  0x206d,
  0x206e,
  0x206f, // deprecated format controls
  0x3164, // hangul filler
  0xfeff, // zero-width no-break space / BOM
  0xffa0,
  0xfff9,
  0xfffa,
  0xfffb, // interlinear annotation controls
]);

function isStringIntroducer(c: number): boolean {
  // ESC ] (OSC), ESC P (DCS), ESC X (SOS), ESC ^ (PM), ESC _ (APC)
  return c === 0x5d || c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f;
}

function isEightBitStringIntroducer(c: number): boolean {
  // OSC, DCS, SOS, PM, APC
  return c === 0x9d || c === 0x90 || c === 0x98 || c === 0x9e || c === 0x9f;
}

/** Index after a control string's terminator (BEL, ESC \ or 8-bit ST), or the end of the text. */
function skipControlString(codes: number[], from: number): number {
  for (let i = from; i < codes.length; i++) {
    const c = codes[i] as number;
    if (c === BEL || c === ST8) return i + 1;
    if (c === ESC) return codes[i + 1] === 0x5c ? i + 2 : i;
  }
  return codes.length;
}

/** Index after a CSI sequence's parameters, intermediates and final byte. */
function skipCsi(codes: number[], from: number): number {
  let i = from;
  while (i < codes.length && (codes[i] as number) >= 0x30 && (codes[i] as number) <= 0x3f) i++;
  while (i < codes.length && (codes[i] as number) >= 0x20 && (codes[i] as number) <= 0x2f) i++;
  if (i < codes.length && (codes[i] as number) >= 0x40 && (codes[i] as number) <= 0x7e) return i + 1;
  // A malformed CSI: drop what was consumed; the next character is judged on its own.
  return i;
}

function isDroppedControl(c: number): boolean {
  if (c === 0x0a || c === 0x09) return false;
  return c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f);
}

/** Remove escape sequences, control characters and invisible/bidi characters; keep `\n` and `\t`. */
export function sanitize(text: string): string {
  if (!text) return '';
  // CRLF is a line break, not a cursor move; a lone CR (overwrite the line) is dropped below.
  const codes = Array.from(text.replace(/\r\n/g, '\n'), (ch) => ch.codePointAt(0) as number);
  let out = '';
  let i = 0;
  while (i < codes.length) {
    const c = codes[i] as number;
    if (c === ESC) {
      const next = codes[i + 1];
      if (next === undefined) break;
      if (next === 0x5b) i = skipCsi(codes, i + 2);
      else if (isStringIntroducer(next)) i = skipControlString(codes, i + 2);
      else {
        // nF / Fp / Fe / Fs escapes: ESC, intermediates 0x20–0x2F, one final 0x30–0x7E.
        let j = i + 1;
        while (j < codes.length && (codes[j] as number) >= 0x20 && (codes[j] as number) <= 0x2f) j++;
        if (j < codes.length && (codes[j] as number) >= 0x30 && (codes[j] as number) <= 0x7e) j++;
        i = j;
      }
      continue;
    }
    if (c === 0x9b) {
      i = skipCsi(codes, i + 1);
      continue;
    }
    if (isEightBitStringIntroducer(c)) {
      i = skipControlString(codes, i + 1);
      continue;
    }
    i++;
    if (isDroppedControl(c) || INVISIBLE.has(c)) continue;
    if (c > 0x7f && (c >= 0xe0000 ? c <= 0xe0fff : FORMAT.test(String.fromCodePoint(c)))) continue;
    // Line and paragraph separators break some terminals' layout: show them as a plain newline.
    if (c === 0x2028 || c === 0x2029) {
      out += '\n';
      continue;
    }
    // Lone surrogates cannot be printed; they come from broken input.
    if (c >= 0xd800 && c <= 0xdfff) continue;
    out += String.fromCodePoint(c);
  }
  return out;
}

/** For one table cell or a one-line label: sanitized, with newlines and tabs shown as spaces. */
export function sanitizeInline(text: string): string {
  return sanitize(text).replace(/[\n\t]+/g, ' ');
}

/**
 * Text shown with every character that is not printable ASCII as `\u{…}`: how two names that look
 * alike (`café` precomposed, `cafe` + U+0301, `cafe` + a tag character) are shown side by side so a
 * reader can tell them apart.
 */
export function escapeVisible(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    out += c >= 0x20 && c < 0x7f && ch !== '\\' ? ch : `\\u{${c.toString(16)}}`;
  }
  return out;
}
