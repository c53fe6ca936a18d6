/** Small coercions every reader needs: real producers write numbers as strings and vice versa. */

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A finite number from a number or a numeric string, else null. */
export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A non-empty string, or null. Numbers are accepted (ids are often numeric). */
export function str(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/**
 * The first of several spellings of a field that is present (camelCase exports vs snake_case).
 * Fixed parameters rather than `...keys`: this runs several times per imported line, and a rest
 * array per call showed in the import profile.
 */
export function pick(o: Obj, a: string, b?: string, c?: string, d?: string): unknown {
  let v = o[a];
  if (v !== undefined && v !== null) return v;
  if (b === undefined) return undefined;
  v = o[b];
  if (v !== undefined && v !== null) return v;
  if (c === undefined) return undefined;
  v = o[c];
  if (v !== undefined && v !== null) return v;
  if (d === undefined) return undefined;
  v = o[d];
  return v === null ? undefined : v;
}

/**
 * LiteLLM and OTel put JSON inside strings (`"messages": "[{...}]"`). Decode a string that looks
 * like JSON; anything else is returned unchanged. `"{}"` decodes to an empty object.
 */
export function decodeJsonField(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

/** An HTTP-ish status from `"429"`, `429`, `"Error code: 429 - …"`; null when none is there. */
export function statusFrom(v: unknown): number | null {
  const n = num(v);
  if (n !== null) return Number.isInteger(n) && n >= 100 && n <= 599 ? n : null;
  if (typeof v === 'string') {
    const m = /\b([1-5]\d\d)\b/.exec(v);
    if (m?.[1]) return Number(m[1]);
  }
  return null;
}
