import type { Issue } from './errors.js';

/** Parsing comes in pairs: one that returns a result (this) and one that throws an InputError. */
export type Result<T, E = Issue[]> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
