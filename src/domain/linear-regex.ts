import { RE2 } from 're2-wasm';

/**
 * The one regex engine for patterns a user or a data file supplies (policy `$regex`, golden-set
 * `regex`, JSON Schema `pattern`, redaction patterns): RE2, whose matching time is linear in the
 * input whatever the pattern, so `^(a|aa)+$` or `^([a-z0-9]+\.?)+@corp\.com$` cannot pin a CPU.
 * Our own fixed patterns keep using RegExp.
 *
 * Why re2-wasm (Google's RE2 compiled to WebAssembly, loaded synchronously, no install script)
 * rather than the native `re2` addon, which needs an install-time download or a C++ build that
 * npm's install-script policy blocks here. Measured on Node 20: a test on a 30-char string about
 * 3.6 µs (RegExp: 0.2 µs, native re2: 1 µs), a compile about 0.2 ms.
 *
 * Its limits, handled here: the module has a fixed 16 MiB heap that never grows and objects are
 * not garbage-collected (exhausting the heap aborts the whole module), so compiled patterns live
 * in a small cache that frees what it evicts, and one call scans at most LINEAR_INPUT_LIMIT
 * characters. RE2 has no backreferences or lookaround: such patterns are refused with that reason.
 */

/** Characters one call scans; a longer input is scanned in windows of this size (see each method). */
export const LINEAR_INPUT_LIMIT = 1 << 20;
/** Longest pattern accepted (characters). */
export const LINEAR_PATTERN_LIMIT = 4096;
const CACHE_SIZE = 64;

export interface LinearMatch {
  index: number;
  text: string;
}

export interface LinearRegex {
  readonly source: string;
  /** The JS flags as given (subset of `imsu`). */
  readonly flags: string;
  /** Whether the pattern matches somewhere in `text` (only the first LINEAR_INPUT_LIMIT chars are scanned). */
  test(text: string): boolean;
  /** The first match in the first LINEAR_INPUT_LIMIT chars, or null. */
  exec(text: string): LinearMatch | null;
  /**
   * Every match replaced by `replacer(match)`. A text longer than LINEAR_INPUT_LIMIT is processed in
   * windows of that size, so a match spanning two windows is not seen.
   */
  replaceAll(text: string, replacer: (match: string) => string): string;
}

export type LinearCompile = { ok: true; regex: LinearRegex } | { ok: false; error: string };

/** Compiled engines by `flags/source`, least recently used first. */
const cache = new Map<string, RE2>();

function engine(source: string, flags: string): RE2 {
  const key = `${flags}/${source}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const re = new RE2(source, flags);
  cache.set(key, re);
  if (cache.size > CACHE_SIZE) {
    const [oldKey, old] = cache.entries().next().value as [string, RE2];
    cache.delete(oldKey);
    free(old);
  }
  return re;
}

/** Release the wasm memory behind an engine (re2-wasm exposes no public way; embind's delete()). */
function free(re: RE2): void {
  (re as unknown as { wrapper?: { delete?: () => void } }).wrapper?.delete?.();
}

function explain(pattern: string, message: string): string {
  if (/\\[1-9]|\\k</.test(pattern)) return 'backreferences are not supported (patterns run on a linear-time engine)';
  if (/\(\?<?[=!]/.test(pattern)) return 'lookahead and lookbehind are not supported (patterns run on a linear-time engine)';
  return message.replace(/^Invalid regular expression: /, '');
}

/**
 * Compile `pattern` for the linear-time engine. Flags: any of `i m s u` (`g` and `y` are accepted
 * and ignored: every method here has its own scanning rule). Errors are values naming the reason.
 */
export function compileLinear(pattern: string, flags = ''): LinearCompile {
  if (!/^[gimsuy]*$/.test(flags)) return { ok: false, error: `flags "${flags}" are not supported; use i, m, s, u` };
  if (pattern.length > LINEAR_PATTERN_LIMIT)
    return { ok: false, error: `pattern is ${pattern.length} characters; the limit is ${LINEAR_PATTERN_LIMIT}` };
  const base = [...new Set(flags.replace(/[gyu]/g, ''))].sort().join('');
  const matchFlags = `${base}u`;
  const replaceFlags = `${base}gu`;
  try {
    engine(pattern, matchFlags);
  } catch (e) {
    return { ok: false, error: explain(pattern, e instanceof Error ? e.message : String(e)) };
  }
  const head = (text: string) => (text.length > LINEAR_INPUT_LIMIT ? text.slice(0, LINEAR_INPUT_LIMIT) : text);
  const regex: LinearRegex = {
    source: pattern,
    flags,
    test: (text) => engine(pattern, matchFlags).test(head(text)),
    exec: (text) => {
      const m = engine(pattern, matchFlags).exec(head(text));
      return m ? { index: m.index, text: m[0] ?? '' } : null;
    },
    replaceAll: (text, replacer) => {
      let out = '';
      for (let at = 0; at < text.length || at === 0; at += LINEAR_INPUT_LIMIT) {
        const re = engine(pattern, replaceFlags);
        re.lastIndex = 0;
        out += re.replace(text.slice(at, at + LINEAR_INPUT_LIMIT), (m: string) => replacer(m));
        if (text.length === 0) break;
      }
      return out;
    },
  };
  return { ok: true, regex };
}
