import { addTo, dataRecord } from '../domain/data-record.js';
import type { NormalisedRecord } from './readers/reader.js';
import type { Redactor } from './redact.js';

export interface ScrubResult {
  record: NormalisedRecord;
  /** Spans replaced by placeholders, by kind. */
  kinds: Record<string, number>;
  count: number;
}

// Postgres text and jsonb reject U+0000 and unpaired surrogates; JSON escapes can carry both.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Short strings (roles, keys, model names) repeat on every line; their redaction is remembered. */
const MEMO_MAX_LENGTH = 64;
const MEMO_MAX_ENTRIES = 20_000;

const NOTHING: Record<string, number> = Object.freeze({}) as Record<string, number>;

/** The string fields of the fixed-shape parts of a record, as the scrubber handles them. */
export const SCRUBBED_FIELDS = { message: ['role', 'content', 'name'], response: ['model', 'output'] } as const;

/**
 * Every string of a record — messages, params, metadata (keys too), output, model — through the
 * redactor, so nothing reaches the store unredacted however deep it sits. The record is rewritten
 * in place: readers build it fresh from the parsed line, and copying it would double the garbage.
 * Pure apart from that; the memo belongs to the scrubber.
 */
export type Scrubber = (record: NormalisedRecord) => ScrubResult;

export function createScrubber(redact: Redactor): Scrubber {
  // `byKind` is null when nothing was replaced, the usual case, so a hit costs no loop.
  const memo = new Map<string, { text: string; byKind: Record<string, number> | null }>();
  // Per-record tallies live here so that `text` and `walk` are made once, not once per record.
  // Shared while a record has nothing redacted (the usual case), so most records allocate no tally.
  let kinds: Record<string, number> = NOTHING;
  let count = 0;
  const text = (s: string): string => {
    const short = s.length <= MEMO_MAX_LENGTH;
    let r = short ? memo.get(s) : undefined;
    if (!r) {
      const clean = UNSTORABLE.test(s) ? s.replace(UNSTORABLE, (c) => (c === '\u0000' ? '' : '\ufffd')) : s;
      UNSTORABLE.lastIndex = 0;
      const out = redact(clean);
      r = { text: out.text, byKind: out.count ? out.byKind : null };
      if (short) {
        if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
        memo.set(s, r);
      }
    }
    if (r.byKind === null) return r.text;
    for (const k in r.byKind) {
      const n = r.byKind[k] as number;
      count += n;
      if (kinds === NOTHING) kinds = dataRecord();
      addTo(kinds, k, n);
    }
    return r.text;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        const clean = walk(item);
        if (clean !== item) v[i] = clean;
      }
      return v;
    }
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      let renamed: Array<[string, string]> | null = null;
      for (const k in o) {
        if (!Object.hasOwn(o, k)) continue;
        // Written back only when redaction changed it: most values come back as they went in.
        const value = o[k];
        const clean = walk(value);
        if (clean !== value) o[k] = clean;
        const key = text(k);
        if (key !== k) (renamed ??= []).push([k, key]);
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
    }
    return v;
  };
  return (record) => {
    kinds = NOTHING;
    count = 0;
    const { request, response } = record;
    // Messages and the response have the fixed shapes of domain/traffic-record.ts, built by the
    // readers: their keys are ours and only their string fields can carry anything (a test holds
    // this list to the schema). Params and metadata are the caller's, walked whole, keys too.
    for (const m of request.messages) {
      m.role = text(m.role);
      m.content = text(m.content);
      if (m.name !== undefined) m.name = text(m.name);
    }
    walk(request.params);
    walk(record.metadata);
    if (response.model !== null) response.model = text(response.model);
    if (response.output !== null) response.output = text(response.output);
    return { record, kinds, count };
  };
}

/** One-off form of the scrubber. */
export function scrubRecord(record: NormalisedRecord, redact: Redactor): ScrubResult {
  return createScrubber(redact)(record);
}
