import { dataRecord } from '../domain/data-record.js';
import { isCredentialName } from './credential-names.js';
import { placeholder, type Redactor } from './redact-text.js';
import { digitsOnly, sensitiveNumber } from './sensitive-number.js';

/**
 * Redaction of parsed JSON values (params, headers, metadata, OTel attributes, tool-call
 * arguments): by name, by content and by number.
 * - By name: the value under a credential-named key (credential-names.ts) is replaced whole,
 *   whatever its type; so is `value` beside `key`/`name` naming a credential (OTel attributes,
 *   header lists `[{name, value}]`).
 * - By content: every string, and every key, goes through the text redactor. A string holding
 *   JSON (tool-call arguments, a stringified body) is parsed and walked, so `{"password": "…"}`
 *   is caught by name there too.
 * - By number: a number (or an all-digit string) that is a Luhn-valid card, a phone-length digit
 *   run that is not a Unix timestamp, or too long to hold exactly, is replaced.
 * Containers are rewritten in place (readers build them fresh; copying would double the garbage).
 */
export interface ValueRedactor {
  /** One text through the redactor, tallied. */
  text(s: string): string;
  /** A value walked and redacted in place; returns the value to store (a new one for a scalar). */
  value(v: unknown): unknown;
  /** Start a new tally. */
  reset(): void;
  /** Spans replaced since the last reset, by kind (a shared empty object while there are none). */
  readonly kinds: Record<string, number>;
  readonly count: number;
}

/** Short strings (roles, keys, model names) repeat on every line; their redaction is remembered. */
const MEMO_MAX_LENGTH = 64;
const MEMO_MAX_ENTRIES = 20_000;
/** JSON inside a string is parsed up to this size; larger ones are redacted as text only. */
const NESTED_JSON_MAX = 1 << 20;
const NOTHING: Record<string, number> = Object.freeze({}) as Record<string, number>;

/** What a key redacts to, whether it names a credential, and whether it is `key`, `name` or `value`. */
interface KeyInfo {
  key: string;
  credential: boolean;
  byKind: Record<string, number> | null;
  role: number;
}
const PLAIN = 0;
const LABEL_KEY = 1;
const LABEL_NAME = 2;
const VALUE = 3;
/** Slots of each direct-mapped table (slotOf's range). */
const SLOTS = 1024;
/** Strings up to this length are remembered in the strings' table. */
const SEEN_MAX_LENGTH = 1024;
/** Strings and keys a value redactor sees before it makes its tables. */
const TABLES_AFTER = 64;
/** The last string seen in each slot, what it redacted to and what that replaced; the same for keys. */
interface Tables {
  text: string[];
  out: string[];
  kinds: Array<Record<string, number> | null>;
  keyText: string[];
  keyInfo: Array<KeyInfo | null>;
}
const newTables = (): Tables => ({
  text: new Array<string>(SLOTS).fill(''),
  out: new Array<string>(SLOTS).fill(''),
  kinds: new Array<Record<string, number> | null>(SLOTS).fill(null),
  keyText: new Array<string>(SLOTS).fill(''),
  keyInfo: new Array<KeyInfo | null>(SLOTS).fill(null),
});
const hasOwn = Object.prototype.hasOwnProperty;
/** A slot in 0–1023 from a string's length and four of its characters (`n` its length, at least 1). */
const slotOf = (s: string, n: number) =>
  Math.imul(
    n ^ (s.charCodeAt(0) << 8) ^ (s.charCodeAt(n >> 2) << 16) ^ (s.charCodeAt(n >> 1) << 4) ^ (s.charCodeAt(n - 1) << 12),
    0x9e3779b1,
  ) >>> 22;

/** `prepare` runs on every string (and key) first: the store's own clean-up of unstorable characters. */
export function createValueRedactor(redact: Redactor, prepare: (s: string) => string = (s) => s): ValueRedactor {
  // `byKind` is null when nothing was replaced, the usual case, so a hit costs no loop.
  const memo = new Map<string, { text: string; byKind: Record<string, number> | null }>();
  let kinds: Record<string, number> = NOTHING;
  let count = 0;
  const tally = (kind: string, n: number) => {
    count += n;
    if (kinds === NOTHING) kinds = dataRecord<number>();
    kinds[kind] = (kinds[kind] ?? 0) + n;
  };
  const unchanged = redact.unchanged;
  /** A prepared string the gate could not pass: the memo, else the redactor. */
  const redacted = (s: string): { text: string; byKind: Record<string, number> | null } => {
    const short = s.length <= MEMO_MAX_LENGTH;
    let r = short ? memo.get(s) : undefined;
    if (!r) {
      const out = redact(s);
      r = { text: out.text, byKind: out.count ? out.byKind : null };
      if (short) {
        if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
        memo.set(s, r);
      }
    }
    if (r.byKind !== null) for (const k in r.byKind) tally(k, r.byKind[k] as number);
    return r;
  };
  // Strings and keys repeat across lines (system prompts, roles, model names, field names): the
  // last ones seen in each slot of small direct-mapped tables (slots chosen by length and four
  // characters) are compared first, which costs less than a pass over the characters or the Map's
  // hashing; keys are interned, so comparing two compares pointers. The tables are made once the
  // redactor has seen TABLES_AFTER strings and keys: a one-off redactor (one record's metadata)
  // never pays for them.
  let tables: Tables | null = null;
  let uses = 0;
  const tablesNow = (): Tables | null => tables ?? (++uses < TABLES_AFTER ? null : (tables = newTables()));
  const keys = new Map<string, KeyInfo>();
  const keyMiss = (k: string): KeyInfo => {
    let info = keys.get(k);
    if (!info) {
      const r = redact(prepare(k));
      const role = k === 'key' ? LABEL_KEY : k === 'name' ? LABEL_NAME : k === 'value' ? VALUE : PLAIN;
      info = { key: r.text, credential: isCredentialName(k), byKind: r.count ? r.byKind : null, role };
      if (k.length > MEMO_MAX_LENGTH) return info;
      if (keys.size >= MEMO_MAX_ENTRIES) keys.clear();
      keys.set(k, info);
    }
    const t = tablesNow();
    if (t !== null && k.length > 0) {
      // Two slots per key: the pair's free one, else the first.
      const slot = slotOf(k, k.length) & (SLOTS - 2);
      const at = t.keyText[slot] !== '' && t.keyText[slot + 1] === '' ? slot + 1 : slot;
      t.keyText[at] = k;
      t.keyInfo[at] = info;
    }
    return info;
  };
  const keyInfo = (k: string): KeyInfo => {
    const t = tables;
    const n = k.length;
    if (t !== null && n > 0) {
      const slot = slotOf(k, n) & (SLOTS - 2);
      if (t.keyText[slot] === k) return t.keyInfo[slot] as KeyInfo;
      if (t.keyText[slot + 1] === k) return t.keyInfo[slot + 1] as KeyInfo;
    }
    return keyMiss(k);
  };
  const whole = (v: unknown): unknown => {
    if (v === null || v === undefined || v === '') return v;
    tally('credential', 1);
    return placeholder('credential');
  };
  const string = (raw: string): string => {
    const s = prepare(raw);
    // JSON first: its escapes (`\u0070in`) can hide a name or a key from the gate.
    if (s.length >= 2 && s.length <= NESTED_JSON_MAX && looksLikeJson(s)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(s);
      } catch {
        parsed = undefined;
      }
      if (parsed !== null && typeof parsed === 'object') {
        const before = count;
        walk(parsed);
        if (count !== before) return JSON.stringify(parsed);
      }
    }
    const n = s.length;
    const cacheable = n > 0 && n <= SEEN_MAX_LENGTH;
    const seen = tables;
    if (seen !== null && cacheable) {
      const slot = slotOf(s, n);
      if (seen.text[slot] === s) {
        const byKind = seen.kinds[slot] as Record<string, number> | null;
        if (byKind !== null) for (const k in byKind) tally(k, byKind[k] as number);
        return seen.out[slot] as string;
      }
    }
    let out = s;
    let byKind: Record<string, number> | null = null;
    // A string the gate passes has no run of nine digits, so is no sensitive number either.
    if (unchanged === undefined || !unchanged(s)) {
      const numeric = digitsOnly(s);
      const kind = numeric === null ? null : sensitiveNumber(numeric);
      if (kind) {
        tally(kind, 1);
        return placeholder(kind);
      }
      const r = redacted(s);
      out = r.text;
      byKind = r.byKind;
    }
    const t = cacheable ? tablesNow() : null;
    if (t !== null) {
      const slot = slotOf(s, n);
      t.text[slot] = s;
      t.out[slot] = out;
      t.kinds[slot] = byKind;
    }
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return string(v);
    if (typeof v === 'number') {
      // Counts, latencies and prices are below 1e9 (nine digits), Unix times in seconds or
      // milliseconds of 2001–2033 start with 1 (sensitiveNumber): no string is made for them.
      if (v < 1e9 && v > -1e9) return v;
      if ((v >= 1e9 && v < 2e9) || (v >= 1e12 && v < 2e12)) return v;
      const kind = Number.isInteger(v) ? sensitiveNumber(String(Math.abs(v))) : null;
      if (!kind) return v;
      tally(kind, 1);
      return placeholder(kind);
    }
    if (typeof v !== 'object' || v === null) return typeof v === 'bigint' ? walk(v.toString()) : v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        const clean = walk(item);
        if (clean !== item) v[i] = clean;
      }
      return v;
    }
    const o = v as Record<string, unknown>;
    // `{key: "http.request.header.authorization", value: {...}}`, `{name: "X-Api-Key", value: "…"}`:
    // the labels are read as the keys go by (string values only, key before name), and `value`
    // is walked after them, once they are known.
    let keyLabel: string | null = null;
    let nameLabel: string | null = null;
    let hasValue = false;
    let renamed: Array<[string, string]> | null = null;
    for (const k in o) {
      if (!hasOwn.call(o, k)) continue;
      const named = keyInfo(k);
      const value = o[k];
      if (named.role !== PLAIN) {
        if (named.role === VALUE) {
          hasValue = true;
          continue;
        }
        if (typeof value === 'string') {
          if (named.role === LABEL_KEY) keyLabel = value;
          else nameLabel = value;
        }
      }
      const clean = named.credential ? whole(value) : walk(value);
      if (clean !== value) o[k] = clean;
      if (named.key !== k) {
        if (named.byKind !== null) for (const kind in named.byKind) tally(kind, named.byKind[kind] as number);
        (renamed ??= []).push([k, named.key]);
      }
    }
    if (hasValue) {
      const label = keyLabel ?? nameLabel;
      const value = o.value;
      const clean = label !== null && isCredentialName(label) ? whole(value) : walk(value);
      if (clean !== value) o.value = clean;
    }
    // Keys are renamed after the walk: adding keys while iterating them is not well defined.
    if (renamed) {
      for (const [k, key] of renamed) {
        const value = o[k];
        delete o[k];
        o[key] = value;
      }
    }
    return o;
  };
  return {
    text: (s) => string(s),
    value: walk,
    reset: () => {
      kinds = NOTHING;
      count = 0;
    },
    get kinds() {
      return kinds;
    },
    get count() {
      return count;
    },
  };
}

function looksLikeJson(s: string): boolean {
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  return (first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d);
}
