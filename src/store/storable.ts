/**
 * Values from outside (model replies, traffic files) made storable in Postgres columns: a value a
 * column cannot hold must never fail the whole statement it travels in.
 */

const INT4_MAX = 2_147_483_647;
const INT4_MIN = -2_147_483_648;

/** Postgres text holds neither NUL nor lone surrogates (json and jsonb refuse their escapes): replace them. */
export function storableText(s: string): string {
  return s.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

export function storableTextOrNull(s: string | null): string | null {
  return s === null ? null : storableText(s);
}

/** An int4 column's value: a whole number within its range, else null (the caller says why). */
export function int4OrNull(v: number | null): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  const n = Math.round(v);
  return n >= INT4_MIN && n <= INT4_MAX ? n : null;
}

/** A double precision column's value: JSON has no NaN or Infinity, so they become null. */
export function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}
