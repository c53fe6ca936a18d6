/**
 * RouterBench stores prompts and responses as Python list literals (`['What is 7 * 8?']`), written
 * by `str(list)`: either quote style, backslash escapes. Decode them to the strings they hold.
 */

/** The strings of a Python list-of-strings literal, or null when the text is not one. */
export function parsePythonStringList(text: string): string[] | null {
  const s = text.trim();
  if (!s.startsWith('[') || !s.endsWith(']')) return null;
  const out: string[] = [];
  let i = 1;
  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i] ?? '')) i++;
  };
  skipSpace();
  if (s[i] === ']') return i === s.length - 1 ? [] : null;
  for (;;) {
    skipSpace();
    const str = readString(s, i);
    if (!str) return null;
    out.push(str.value);
    i = str.end;
    skipSpace();
    if (s[i] === ',') {
      i++;
      skipSpace();
      if (s[i] === ']') return i === s.length - 1 ? out : null; // trailing comma
      continue;
    }
    return s[i] === ']' && i === s.length - 1 ? out : null;
  }
}

/** Decode a list literal joined by blank lines (multi-turn prompts), or keep the text as it is. */
export function decodeListText(text: string): string {
  const list = parsePythonStringList(text);
  return list === null ? text : list.join('\n\n');
}

/** A literal whose text cannot become a stored string: an escape past U+10FFFF. */
class UnreadableLiteral extends Error {}

/**
 * decodeListText, or why the cell cannot be stored: an escape past U+10FFFF, a NUL, or a lone
 * surrogate (escaped or raw). The caller quarantines that row, not the file.
 */
export function decodeListTextChecked(text: string): { value: string } | { error: string } {
  let value: string;
  try {
    value = decodeListText(text);
  } catch (e) {
    if (e instanceof UnreadableLiteral) return { error: e.message };
    throw e;
  }
  if (value.includes('\0')) return { error: 'holds a NUL character' };
  const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(value);
  if (lone) return { error: `holds a lone surrogate U+${(lone[0].codePointAt(0) as number).toString(16).toUpperCase()}` };
  return { value };
}

const SIMPLE: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

function readString(s: string, start: number): { value: string; end: number } | null {
  let i = start;
  // Python prefixes (u'', r'') appear in some dumps.
  let raw = false;
  while (i < s.length && /[uUrRbB]/.test(s[i] ?? '')) {
    if (/[rR]/.test(s[i] ?? '')) raw = true;
    i++;
  }
  const quote = s[i];
  if (quote !== "'" && quote !== '"') return null;
  i++;
  let value = '';
  while (i < s.length) {
    const ch = s[i] as string;
    if (ch === quote) return { value, end: i + 1 };
    if (ch !== '\\') {
      value += ch;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === undefined) return null;
    if (raw) {
      value += ch + next;
      i += 2;
      continue;
    }
    if (next === '\n') {
      i += 2;
      continue;
    }
    const simple = SIMPLE[next];
    if (simple !== undefined && !(next === '0' && /[0-7]/.test(s[i + 2] ?? ''))) {
      value += simple;
      i += 2;
      continue;
    }
    const hex = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hex > 0) {
      const digits = s.slice(i + 2, i + 2 + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) return null;
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) throw new UnreadableLiteral(`has the escape \\${next}${digits}, past U+10FFFF`);
      value += String.fromCodePoint(code);
      i += 2 + hex;
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4));
    if (octal) {
      value += String.fromCharCode(parseInt(octal[0], 8));
      i += 1 + octal[0].length;
      continue;
    }
    // Python keeps an unknown escape as written.
    value += ch + next;
    i += 2;
  }
  return null;
}
