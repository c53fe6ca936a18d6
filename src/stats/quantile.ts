/**
 * Quantile with linear interpolation between order statistics (Hyndman–Fan type 7, the default of
 * R, numpy and spreadsheets), so p95 figures match what users compute elsewhere.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return sorted[0] as number;
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileSorted(Float64Array.from(values).sort(), q);
}

/** p50 / p95 / p99 in one sort. */
export function latencyPercentiles(values: ArrayLike<number>): { p50: number; p95: number; p99: number } {
  const s = Float64Array.from(values).sort();
  return { p50: quantileSorted(s, 0.5), p95: quantileSorted(s, 0.95), p99: quantileSorted(s, 0.99) };
}
