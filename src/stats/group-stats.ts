import { z } from 'zod';
import type { Rng } from '../domain/rng.js';
import { bootstrapMeanCi } from './bootstrap.js';
import { latencyPercentiles } from './quantile.js';
import { wilsonInterval } from './wilson.js';

/** Below this many cases a group's figures are shown with a warning instead of a verdict. */
export const MIN_SAMPLES = 30;

const Interval = z.tuple([z.number(), z.number()]);

/** Everything the report and `runs show` say about one variant, model or segment. */
export const GroupStats = z.object({
  key: z.string(),
  n: z.number().int(),
  quality: z.number(),
  quality_ci: Interval,
  pass_rate: z.number(),
  pass_ci: Interval,
  cost_per_request: z.number(),
  cost_per_1k: z.number(),
  p50_ms: z.number(),
  p95_ms: z.number(),
  p99_ms: z.number(),
  error_rate: z.number(),
  guardrail_block_rate: z.number(),
  budget_block_rate: z.number(),
  /** Set when n < the minimum sample size: too small to say anything. */
  warning: z.string().nullable(),
});
export type GroupStats = z.infer<typeof GroupStats>;

/** One case as a group sees it; for variants these are expectations over the routing distribution. */
export interface StatRow {
  quality: number;
  /** Probability of a pass (0/1 for a single model). */
  pass: number;
  cost_usd: number;
  /** NaN when unknown (recorded data without latency). */
  latency_ms: number;
  p_error: number;
  p_guardrail_block: number;
  p_budget_block: number;
}

export interface GroupStatsOptions {
  rng: Rng;
  resamples?: number;
  minSamples?: number;
}

export function groupStats(key: string, rows: readonly StatRow[], options: GroupStatsOptions): GroupStats {
  const n = rows.length;
  const minSamples = options.minSamples ?? MIN_SAMPLES;
  const q = bootstrapMeanCi(
    rows.map((r) => r.quality),
    { rng: options.rng.fork(`quality:${key}`), resamples: options.resamples },
  );
  const passes = rows.reduce((s, r) => s + r.pass, 0);
  const cost = n ? rows.reduce((s, r) => s + r.cost_usd, 0) / n : 0;
  const latencies = rows.map((r) => r.latency_ms).filter((v) => Number.isFinite(v));
  const lat = latencies.length ? latencyPercentiles(latencies) : { p50: Number.NaN, p95: Number.NaN, p99: Number.NaN };
  const rate = (f: (r: StatRow) => number) => (n ? rows.reduce((s, r) => s + f(r), 0) / n : 0);
  return {
    key,
    n,
    quality: n ? q.mean : Number.NaN,
    quality_ci: q.ci,
    pass_rate: n ? passes / n : Number.NaN,
    pass_ci: wilsonInterval(passes, n),
    cost_per_request: cost,
    cost_per_1k: cost * 1000,
    p50_ms: lat.p50,
    p95_ms: lat.p95,
    p99_ms: lat.p99,
    error_rate: rate((r) => r.p_error),
    guardrail_block_rate: rate((r) => r.p_guardrail_block),
    budget_block_rate: rate((r) => r.p_budget_block),
    warning: n < minSamples ? `only ${n} case${n === 1 ? '' : 's'} (< ${minSamples}): too few to draw conclusions` : null,
  };
}
