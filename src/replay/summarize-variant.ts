import type { VariantCaseResult } from '../domain/run.js';
import { quantile } from '../stats/quantile.js';

export interface VariantFigures {
  cases: number;
  quality: number;
  cost_per_1k: number;
  p95_ms: number;
  error_rate: number;
}

/**
 * The headline figures of `run --json`: mean expected quality, cost per 1,000 requests, p95 of the
 * expected latency per case, mean error probability. Confidence intervals live in src/stats.
 */
export function summarizeVariant(results: readonly VariantCaseResult[]): VariantFigures {
  const n = results.length;
  if (n === 0) return { cases: 0, quality: 0, cost_per_1k: 0, p95_ms: 0, error_rate: 0 };
  let q = 0;
  let c = 0;
  let e = 0;
  const lat = new Float64Array(n);
  results.forEach((r, i) => {
    q += r.quality;
    c += r.cost_usd;
    e += r.p_error;
    lat[i] = r.latency_ms;
  });
  return { cases: n, quality: q / n, cost_per_1k: (c / n) * 1000, p95_ms: quantile(lat, 0.95), error_rate: e / n };
}
