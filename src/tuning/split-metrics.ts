import type { SplitMetrics } from '../domain/proposal.js';
import type { Rng } from '../domain/rng.js';
import type { VariantCaseResult } from '../domain/run.js';
import { bootstrapMeanCi } from '../stats/bootstrap.js';
import { quantile } from '../stats/quantile.js';

/** Quality with its bootstrap CI, cost per 1k requests and p95 latency of a policy on one split. */
export function splitMetrics(results: readonly VariantCaseResult[], rng: Rng): SplitMetrics {
  const n = results.length;
  if (n === 0) return { quality: 0, quality_ci: [0, 0], cost_per_1k: 0, p95_ms: 0 };
  const q = bootstrapMeanCi(
    results.map((r) => r.quality),
    { rng },
  );
  const cost = results.reduce((s, r) => s + r.cost_usd, 0) / n;
  return {
    quality: q.mean,
    quality_ci: q.ci,
    cost_per_1k: cost * 1000,
    p95_ms: quantile(
      results.map((r) => r.latency_ms),
      0.95,
    ),
  };
}
