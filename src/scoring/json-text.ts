import { type Result, ok, err } from '../domain/result.js';

/**
 * The JSON a model meant to send: the whole (trimmed) output, or else the first ```json (or bare
 * ```) fenced block, since chat models wrap JSON in markdown more often than not.
 */
export function extractJson(output: string): Result<unknown, string> {
  const whole = tryParse(output.trim());
  if (whole.ok) return whole;
  const fence = firstFence(output);
  if (fence !== undefined) {
    const inner = tryParse(fence.trim());
    if (inner.ok) return inner;
    return err(`fenced block is not valid JSON (${inner.error})`);
  }
  return err(`not valid JSON (${whole.error})`);
}

/**
 * The body of the first ```json (or bare ```) block: what /```(?:json|JSON)?[ \t]*\r?\n([\s\S]*?)```/
 * finds, in one pass. That regex restarts at every unclosed fence and rescans the rest of the text:
 * quadratic on an output of many ``` lines.
 */
function firstFence(text: string): string | undefined {
  for (let at = text.indexOf('```'); at !== -1; at = text.indexOf('```', at + 1)) {
    let i = at + 3;
    if (text.startsWith('json', i) || text.startsWith('JSON', i)) i += 4;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === '\r') i++;
    if (text[i] !== '\n') continue;
    const close = text.indexOf('```', i + 1);
    // No closing fence after this opener means none after any later one either.
    if (close === -1) return undefined;
    return text.slice(i + 1, close);
  }
  return undefined;
}

export function tryParse(text: string): Result<unknown, string> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err(e instanceof Error ? e.message.slice(0, 120) : 'parse error');
  }
}

/** Structural equality: object key order is ignored, array order is not. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return firstDifference(a, b, '$', false) === undefined;
}

/**
 * The path of the first place `actual` does not contain `expected`, or undefined. With `subset`,
 * objects may carry extra keys and each expected array item must match some distinct actual item
 * (order-free); without it, the two must be equal.
 */
export function firstDifference(expected: unknown, actual: unknown, path: string, subset: boolean): string | undefined {
  if (expected === null || typeof expected !== 'object') {
    return Object.is(expected, actual) || (typeof expected === 'number' && expected === actual) ? undefined : path;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return path;
    if (!subset) {
      if (expected.length !== actual.length) return `${path} (length ${actual.length}, expected ${expected.length})`;
      for (let i = 0; i < expected.length; i++) {
        const d = firstDifference(expected[i], actual[i], `${path}[${i}]`, false);
        if (d) return d;
      }
      return undefined;
    }
    const used = new Set<number>();
    for (let i = 0; i < expected.length; i++) {
      const j = actual.findIndex((item, k) => !used.has(k) && firstDifference(expected[i], item, '$', true) === undefined);
      if (j < 0) return `${path}[${i}]`;
      used.add(j);
    }
    return undefined;
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return path;
  const exp = expected as Record<string, unknown>;
  const act = actual as Record<string, unknown>;
  if (!subset) {
    const extra = Object.keys(act).find((k) => !Object.hasOwn(exp, k));
    if (extra !== undefined) return `${path}.${extra} (unexpected)`;
  }
  for (const key of Object.keys(exp)) {
    if (!Object.hasOwn(act, key)) return `${path}.${key} (missing)`;
    const d = firstDifference(exp[key], act[key], `${path}.${key}`, subset);
    if (d) return d;
  }
  return undefined;
}
