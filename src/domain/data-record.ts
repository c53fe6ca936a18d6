import { z } from 'zod';

/**
 * Objects keyed by data (model names, strata, metadata keys, redaction kinds). A plain `{}` inherits
 * `constructor`, `toString` and a `__proto__` setter, so a model named `constructor` would read as a
 * function and one named `__proto__` would vanish. These objects have no prototype: every key is
 * an own property, and JSON.stringify / Object.entries see exactly what was stored.
 */
export type DataRecord<T> = Record<string, T>;

export function dataRecord<T>(): DataRecord<T> {
  return Object.create(null) as DataRecord<T>;
}

/** A null-prototype copy of `entries` (Object.fromEntries would assign through `__proto__`). */
export function dataRecordOf<T>(entries: Iterable<readonly [string, T]>): DataRecord<T> {
  const out = dataRecord<T>();
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** Add `n` to `record[key]`, starting from 0; safe for any key. */
export function addTo(record: DataRecord<number>, key: string, n: number): void {
  record[key] = (Object.hasOwn(record, key) ? (record[key] as number) : 0) + n;
}

/** The own value at `key`, never an inherited one. */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Set `key` as an own data property, as JSON.parse does: on a plain object `o[key] = v` with key
 * `__proto__` replaces the prototype instead of adding a key.
 */
export function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * `z.record(z.string(), value)` that keeps every key: zod builds its output with `{}`, which drops
 * `__proto__`. Values are checked with `value`; issues carry the key in their path. The output is
 * shaped like JSON.parse's (Object.prototype, every key its own), because drizzle and other
 * libraries look at a value's constructor: read data keys from it with `ownValue`, never `o[k]`.
 */
export function DataRecordSchema<T extends z.ZodType>(value: T) {
  return z.unknown().transform((input, ctx): DataRecord<z.output<T>> => {
    const out: DataRecord<z.output<T>> = {};
    if (!isPlainObject(input)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected an object, received ${input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input}`,
      });
      return out;
    }
    for (const key of Object.keys(input)) {
      const r = value.safeParse(input[key]);
      if (r.success) defineKey(out, key, r.data);
      else for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
    }
    return out;
  });
}

/**
 * An object schema with a catchall, keeping every key of the input (zod's catchall output drops
 * `__proto__`): the input's keys as they were, the parsed fields over them. Shaped like
 * JSON.parse's output, as DataRecordSchema's is.
 */
export function keepingEveryKey<T extends z.ZodType<Record<string, unknown>>>(schema: T) {
  return z.unknown().transform((input, ctx): z.output<T> => {
    const r = schema.safeParse(input);
    if (!r.success) {
      for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
      return {} as z.output<T>;
    }
    const out: Record<string, unknown> = {};
    if (isPlainObject(input)) for (const key of Object.keys(input)) defineKey(out, key, input[key]);
    for (const key of Object.keys(r.data)) defineKey(out, key, r.data[key]);
    return out as z.output<T>;
  });
}

/**
 * A copy with Object.prototype, for libraries that look at `value.constructor` (drizzle does, on
 * every insert value). JSON.parse defines keys instead of assigning them, so `__proto__` stays an
 * own key of the copy; write it, do not read data keys from it.
 */
export function forStorage<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * A null-prototype record as a JSON.parse-shaped object (Object.prototype, every key its own), for
 * results handed to libraries that inspect constructors (drizzle). Read keys with `ownValue`.
 */
export function asPlainRecord<T>(record: DataRecord<T>): DataRecord<T> {
  const out: DataRecord<T> = {};
  for (const key of Object.keys(record)) defineKey(out, key, record[key]);
  return out;
}
