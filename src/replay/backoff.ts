/**
 * The wait a client puts before the k-th retry of the same model (k = 1, 2, …): exponential from
 * 250 ms, doubling, capped at 8 s — what the OpenAI SDKs and Portkey's gateway do by default. Moving
 * to another target (fallback, redraw) waits nothing. Latency of a path = Σ attempt latencies + Σ
 * these waits.
 */
export const RETRY_BACKOFF_BASE_MS = 250;
export const RETRY_BACKOFF_MAX_MS = 8_000;

export function retryBackoffMs(k: number): number {
  if (k < 1) return 0;
  return Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_BASE_MS * 2 ** (k - 1));
}
