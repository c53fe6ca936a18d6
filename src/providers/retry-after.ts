/** Longest wait we pass on: a server asking for an hour is treated as asking for the cap. */
export const RETRY_AFTER_CAP_MS = 60_000;

/**
 * Milliseconds to wait from a `Retry-After` (delay-seconds or HTTP-date) or `retry-after-ms`
 * header, capped; undefined when absent or unreadable.
 */
export function parseRetryAfter(
  headers: { retryAfter?: string; retryAfterMs?: string },
  nowMs: number,
  capMs = RETRY_AFTER_CAP_MS,
): number | undefined {
  const cap = (ms: number) => Math.min(Math.max(0, Math.round(ms)), capMs);
  const ms = headers.retryAfterMs?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return cap(Number(ms));
  const value = headers.retryAfter?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return cap(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : cap(date - nowMs);
}
