import { INPUT_FIELDS, type InputField, type RequestInput } from './request-input.js';

/**
 * The one way a field of a request is named, wherever a field is named: policy conditions,
 * `propose --segment-by`, `traffic sample --stratify-by`, reports and the dashboard.
 *   metadata.X (or plain X, which means metadata.X) · params.X · input_tokens · input.<derived>
 * Dots below the root walk into nested objects (`metadata.user.tier`).
 */
export type FieldRef =
  | { root: 'metadata' | 'params'; path: readonly string[]; name: string }
  | { root: 'input_tokens'; name: 'input_tokens' }
  | { root: 'input'; key: InputField; name: string };

/** The request shape a field is read from (RunCase and RequestContext both fit). */
export interface FieldSource {
  metadata: Record<string, unknown>;
  params: Record<string, unknown>;
  input_tokens: number;
  input?: RequestInput | null | undefined;
}

export type ParsedField = { ok: true; field: FieldRef } | { ok: false; message: string };

/**
 * Parse a field name. `bare` says what a name without a known root means: metadata (flags, where
 * `--segment-by intent` has always meant metadata.intent) or an error (policy conditions, where a
 * typo must not silently read metadata).
 */
export function parseField(name: string, bare: 'metadata' | 'error' = 'metadata'): ParsedField {
  if (name === 'input_tokens') return { ok: true, field: { root: 'input_tokens', name } };
  const parts = name.split('.');
  const [root, ...rest] = parts;
  if (parts.some((p) => p === '')) return { ok: false, message: `"${name}" has an empty part between dots` };
  if (root === 'metadata' || root === 'params') {
    if (rest.length === 0) return { ok: false, message: `"${name}" names no key: write ${root}.<key>` };
    return { ok: true, field: { root, path: rest, name } };
  }
  if (root === 'input') {
    const key = rest.join('.');
    if (!(INPUT_FIELDS as readonly string[]).includes(key))
      return { ok: false, message: `"${name}" is not a request field: input.${INPUT_FIELDS.join(', input.')}` };
    return { ok: true, field: { root: 'input', key: key as InputField, name } };
  }
  if (bare === 'error')
    return {
      ok: false,
      message: `unknown field "${name}": conditions read metadata.<key>, params.<key>, input_tokens or input.<${INPUT_FIELDS.join('|')}>`,
    };
  return { ok: true, field: { root: 'metadata', path: parts, name: `metadata.${name}` } };
}

export function readField(source: FieldSource, field: FieldRef): unknown {
  switch (field.root) {
    case 'input_tokens':
      return source.input_tokens;
    case 'input':
      return source.input ? source.input[field.key] : undefined;
    default: {
      let v: unknown = source[field.root];
      for (const k of field.path) {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
        v = Object.prototype.hasOwnProperty.call(v, k) ? (v as Record<string, unknown>)[k] : undefined;
      }
      return v;
    }
  }
}

/** A field's value as a group key (segments, strata); missing and empty values share NO_VALUE. */
export const NO_VALUE = '(none)';
export function fieldKey(v: unknown): string {
  if (v === undefined || v === null || v === '') return NO_VALUE;
  return typeof v === 'string' ? v : JSON.stringify(v);
}
