import { redactString } from './redact-text.js';

/**
 * A copy of a value with every string (and key) through the content rules only: for output that is
 * ours in shape (`--json`, reports), where a field named `token` is a count, not a credential.
 */
export function redactStrings(value: unknown): unknown {
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map(redactStrings);
  if (value !== null && typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return redactStrings(JSON.parse(JSON.stringify(value)) as unknown);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = redactString(k);
      Object.defineProperty(out, key, { value: redactStrings(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
