import { num } from './values.js';

/**
 * ISO-8601 UTC from what producers write: ISO with or without a zone (no zone means UTC — LiteLLM
 * writes `2026-11-20 09:01:12.104211`), epoch seconds / milliseconds / nanoseconds as numbers or
 * numeric strings. Null when it cannot be read.
 */
export function parseTimestamp(v: unknown): string | null {
  if (typeof v === 'string' && v.length === 24 && lastDay !== '' && v.startsWith(lastDay) && CANONICAL.test(v)) return v;
  const n = num(v);
  if (n !== null) return fromEpoch(n);
  if (typeof v !== 'string') return null;
  const iso = parseIsoString(v);
  // Canonical already, on a day seen valid: the next line of the same day can skip Date entirely.
  if (iso === v && v.length === 24) lastDay = v.slice(0, 11);
  return iso;
}

/** `2026-11-20T08:15:02.000Z`, as toISOString writes it (the day is checked separately: Date rolls Feb 30 over). */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
/** `YYYY-MM-DDT` of the last canonical timestamp that survived a round trip through Date. */
let lastDay = '';

function parseIsoString(v: string): string | null {
  // The common case, already ISO in UTC: no rewriting needed.
  if (v.length >= 20 && v.charCodeAt(v.length - 1) === 90 /* Z */ && v.charCodeAt(10) === 84 /* T */) {
    const ms = Date.parse(v);
    if (Number.isFinite(ms)) return new Date(ms).toISOString();
  }
  let t = v.trim().replace(' ', 'T');
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) t += 'T00:00:00';
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(t)) t += 'Z';
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** Epoch in s, ms, µs or ns, told apart by magnitude (s until the year 5138). */
export function fromEpoch(n: number): string | null {
  if (!(n > 0)) return null;
  const ms = n < 1e11 ? n * 1000 : n < 1e14 ? n : n < 1e17 ? n / 1e3 : n / 1e6;
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? d.toISOString() : null;
}

/** Milliseconds between two timestamps in any accepted form, or null. */
export function durationMs(start: unknown, end: unknown): number | null {
  const a = parseTimestamp(start);
  const b = parseTimestamp(end);
  if (!a || !b) return null;
  const d = Date.parse(b) - Date.parse(a);
  return d >= 0 ? d : null;
}
