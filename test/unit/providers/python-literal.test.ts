import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeListText, parsePythonStringList } from '../../../src/providers/python-literal.js';

describe('parsePythonStringList', () => {
  it.each([
    ["['What is 7 * 8?']", ['What is 7 * 8?']],
    [`["It's 2+2?"]`, ["It's 2+2?"]],
    ["['def r(s):\\n    return s[::-1]']", ['def r(s):\n    return s[::-1]']],
    [`['turn one', "turn \\"two\\""]`, ['turn one', 'turn "two"']],
    ["['caf\\xe9 \\u2014 \\U0001f600', 'a\\\\b', 'it\\'s']", ['café — 😀', 'a\\b', "it's"]],
    ['[]', []],
    ["[ 'spaced' , ]", ['spaced']],
  ])('decodes %s', (text, expected) => {
    expect(parsePythonStringList(text)).toEqual(expected);
  });

  it.each(['plain text', "['unterminated]", "['a' 'b']", '[1, 2]', "['a'] trailing"])('refuses %s', (text) => {
    expect(parsePythonStringList(text)).toBeNull();
  });

  it('round-trips what Python repr writes for any list of strings', () => {
    const repr = (s: string) => {
      const q = s.includes("'") && !s.includes('"') ? '"' : "'";
      const body = [...s]
        .map((c) =>
          c === '\\'
            ? '\\\\'
            : c === q
              ? `\\${q}`
              : c === '\n'
                ? '\\n'
                : c === '\t'
                  ? '\\t'
                  : c === '\r'
                    ? '\\r'
                    : c.charCodeAt(0) < 0x20
                      ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
                      : c,
        )
        .join('');
      return `${q}${body}${q}`;
    };
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary-ascii' }), { maxLength: 4 }), (list) => {
        expect(parsePythonStringList(`[${list.map(repr).join(', ')}]`)).toEqual(list);
      }),
    );
  });

  it('joins multi-turn lists and keeps text that is not a list', () => {
    expect(decodeListText("['one', 'two']")).toBe('one\n\ntwo');
    expect(decodeListText('[not a list')).toBe('[not a list');
  });
});
