import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sanitize, sanitizeInline } from '../../../src/domain/sanitize.js';

/** Anything a terminal would act on, or that hides or reorders text. */
const FORBIDDEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/u;

/** Printable text with no character the sanitizer touches. */
const safeChar = fc.oneof(
  fc.constantFrom(...[...'abcXYZ019 .,;:!?/[]{}()<>=+-_*&^%$#@~`\'"|\\é漢字🙂\n\t']),
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
);
const safeText = fc.array(safeChar, { maxLength: 40 }).map((a) => a.join(''));
/** Payload of a control string: printable, no terminator. */
const payload = fc
  .array(
    fc.integer({ min: 0x20, max: 0x7e }).filter((c) => c !== 0x1b),
    { maxLength: 30 },
  )
  .map((a) => String.fromCharCode(...a));

const escapeSequence = fc.oneof(
  // CSI with params/intermediates/final
  fc
    .tuple(fc.array(fc.integer({ min: 0x30, max: 0x3f }), { maxLength: 6 }), fc.integer({ min: 0x40, max: 0x7e }))
    .map(([p, f]) => `\x1b[${String.fromCharCode(...p)}${String.fromCharCode(f)}`),
  fc
    .tuple(fc.array(fc.integer({ min: 0x30, max: 0x3f }), { maxLength: 6 }), fc.integer({ min: 0x40, max: 0x7e }))
    .map(([p, f]) => `\x9b${String.fromCharCode(...p)}${String.fromCharCode(f)}`),
  // OSC / DCS / SOS / PM / APC, terminated by BEL, ESC \ or 8-bit ST
  fc
    .tuple(fc.constantFrom(']', 'P', 'X', '^', '_'), payload, fc.constantFrom('\x07', '\x1b\\', '\x9c'))
    .map(([k, p, t]) => `\x1b${k}${p}${t}`),
  fc
    .tuple(fc.constantFrom('\x9d', '\x90', '\x98', '\x9e', '\x9f'), payload, fc.constantFrom('\x07', '\x1b\\', '\x9c'))
    .map(([k, p, t]) => `${k}${p}${t}`),
  // two-byte escapes: reset, save cursor, charset
  fc.constantFrom('\x1bc', '\x1b7', '\x1b8', '\x1b(B', '\x1b)0', '\x1bM', '\x1b#8'),
  // controls and invisible characters
  fc.constantFrom(
    '\x00',
    '\x07',
    '\x08',
    '\r',
    '\x0b',
    '\x0c',
    '\x7f',
    '\x85',
    '\u200b',
    '\u200d',
    '\u202e',
    '\u2066',
    '\u2069',
    '\ufeff',
    '\u00ad',
  ),
);

describe('sanitize', () => {
  it('strips colours, cursor moves and screen clears', () => {
    expect(sanitize('\x1b[31mred\x1b[0m \x1b[2J\x1b[H\x1b[10;20Hok')).toBe('red ok');
  });

  it('strips OSC 8 hyperlinks but keeps their visible text', () => {
    expect(sanitize('see \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ now')).toBe('see click now');
  });

  it('strips OSC 52 clipboard writes and window-title changes (BEL or ST terminated)', () => {
    expect(sanitize('a\x1b]52;c;cm0gLXJmIC8K\x07b')).toBe('ab');
    expect(sanitize('a\x1b]0;pwned\x1b\\b')).toBe('ab');
    expect(sanitize('a\x9d52;c;Zm9v\x9cb')).toBe('ab');
  });

  it('strips DCS, SOS, PM and APC strings', () => {
    expect(sanitize('a\x1bP1$qm\x1b\\b\x1bXsos\x1b\\c\x1b^pm\x1b\\d\x1b_apc\x1b\\e')).toBe('abcde');
  });

  it('swallows an unterminated control string to the end, as a terminal would', () => {
    expect(sanitize('visible\x1b]52;c;never-ends')).toBe('visible');
  });

  it('keeps newlines and tabs, turns CRLF into LF and drops lone CR and backspace', () => {
    expect(sanitize('a\tb\r\nc\rd\x08e')).toBe('a\tb\ncde');
  });

  it('drops bidi overrides, isolates and zero-width characters (Trojan Source)', () => {
    expect(sanitize('if (admin\u202e \u2066// check\u2069\u2066) {\u200b')).toBe('if (admin // check) {');
  });

  it('keeps ordinary Unicode text intact', () => {
    const text = 'naïve café — 漢字 🙂 ελληνικά';
    expect(sanitize(text)).toBe(text);
  });

  it('sanitizeInline shows newlines and tabs as one space', () => {
    expect(sanitizeInline('a\n\n\tb\x1b[1m c')).toBe('a b c');
  });

  it('property: the output never contains a control, escape, bidi or zero-width character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(FORBIDDEN.test(sanitize(s))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const once = sanitize(s);
        expect(sanitize(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: safe text is unchanged', () => {
    fc.assert(
      fc.property(safeText, (s) => {
        expect(sanitize(s)).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('property: an injected sequence disappears and leaves the text around it untouched', () => {
    fc.assert(
      fc.property(safeText, fc.array(escapeSequence, { minLength: 1, maxLength: 4 }), safeText, (before, seqs, after) => {
        // The text after must not start with a byte that would extend a malformed sequence.
        const out = sanitize(before + seqs.join('') + 'Z' + after);
        expect(out).toBe(`${before}Z${after}`);
      }),
      { numRuns: 2000 },
    );
  });
});
