import { z } from 'zod';
import { holmAdjust } from './holm.js';
import { normalUpperTail } from './normal.js';

/** What a night is checked on. Quality going down is bad; the others going up are. */
export const RegressionMetric = z.enum(['quality', 'error_rate', 'cost', 'latency']);
export type RegressionMetric = z.infer<typeof RegressionMetric>;

/** One (case, model) outcome of one night, with the segment its case belongs to. */
export interface NightRow {
  case_id: string;
  model: string;
  segment: string;
  /** Score in [0, 1]; a failed call counts 0, as it does for routing. */
  quality: number;
  /** 1 when the call failed. */
  error: number;
  cost: number;
  latency: number;
}

export interface Night {
  run_id: string;
  rows: readonly NightRow[];
}

export interface DetectOptions {
  /** Previous nights the baseline pools (default 3). */
  baselineNights?: number;
  /** Family-wise error rate per night, Holm across models × segments × metrics (default 0.05). */
  alpha?: number;
  /**
   * Smallest change worth waking someone for, in the bad direction: absolute for quality and error
   * rate (default 0.02 each), relative to the baseline for cost and latency (default 0.10 each).
   */
  minEffect?: Partial<Record<RegressionMetric, number>>;
  /** Fewer cases than this in a (model, segment) are not tested (default 20). */
  minCases?: number;
}

export const RegressionTest = z.object({
  model: z.string(),
  segment: z.string(),
  metric: RegressionMetric,
  /** `paired`: the same cases in tonight and the baseline; `unpaired`: different cases (sampled traffic). */
  design: z.enum(['paired', 'unpaired']),
  n: z.number().int(),
  baseline: z.number(),
  current: z.number(),
  diff: z.number(),
  ci: z.tuple([z.number(), z.number()]),
  /** One-sided p-value in the bad direction (normal approximation). */
  p: z.number(),
  p_holm: z.number(),
  flagged: z.boolean(),
});
export type RegressionTest = z.infer<typeof RegressionTest>;

export const RegressionReport = z.object({
  run_id: z.string(),
  baseline_runs: z.array(z.string()),
  alpha: z.number(),
  tests: z.array(RegressionTest),
  flagged: z.array(RegressionTest),
});
export type RegressionReport = z.infer<typeof RegressionReport>;

const METRICS = RegressionMetric.options;
const DEFAULT_MIN_EFFECT: Record<RegressionMetric, number> = { quality: 0.02, error_rate: 0.02, cost: 0.1, latency: 0.1 };
const RELATIVE: ReadonlySet<RegressionMetric> = new Set(['cost', 'latency']);
const value = (r: NightRow, m: RegressionMetric) =>
  m === 'quality' ? r.quality : m === 'error_rate' ? r.error : m === 'cost' ? r.cost : r.latency;
/** +1 when a rise is bad, −1 when a fall is. */
const badSign = (m: RegressionMetric) => (m === 'quality' ? -1 : 1);

/**
 * Is tonight (the last night) worse than the rolling baseline of the K nights before it? For each
 * model × segment × metric: a paired z-test of tonight's value of each case against that case's
 * mean over the baseline nights when the cases recur (a golden set), else a Welch z-test of the two
 * groups; one-sided in the bad direction; Holm across every test of the night. A test is flagged
 * when its Holm-adjusted p is below alpha AND the change is at least the minimum effect, so a tiny
 * but "significant" wobble on a large sample never alerts. Pure and deterministic.
 */
export function detectRegressions(nights: readonly Night[], options: DetectOptions = {}): RegressionReport {
  const tonight = nights[nights.length - 1];
  if (!tonight) throw new Error('detectRegressions needs at least one night');
  const k = options.baselineNights ?? 3;
  const alpha = options.alpha ?? 0.05;
  const minCases = options.minCases ?? 20;
  const minEffect = { ...DEFAULT_MIN_EFFECT, ...options.minEffect };
  const baseNights = nights.slice(Math.max(0, nights.length - 1 - k), nights.length - 1);
  const raw: Array<Omit<RegressionTest, 'p_holm' | 'flagged'>> = [];
  if (baseNights.length > 0) {
    const groups = groupBy(tonight.rows);
    const baseGroups = groupBy(baseNights.flatMap((n) => n.rows));
    for (const [key, rows] of [...groups.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
      const base = baseGroups.get(key);
      const first = rows[0];
      if (!base || !first || rows.length < minCases || base.length < minCases) continue;
      for (const metric of METRICS)
        raw.push({ model: first.model, segment: first.segment, metric, ...testOne(rows, base, metric, minCases) });
    }
  }
  const adjusted = holmAdjust(raw.map((t) => t.p));
  const tests = raw.map((t, i) => {
    const p_holm = adjusted[i] ?? 1;
    const effect = badSign(t.metric) * t.diff;
    const size = RELATIVE.has(t.metric) ? (t.baseline > 0 ? effect / t.baseline : effect > 0 ? Number.POSITIVE_INFINITY : 0) : effect;
    return { ...t, p_holm, flagged: p_holm < alpha && size >= minEffect[t.metric] };
  });
  return { run_id: tonight.run_id, baseline_runs: baseNights.map((n) => n.run_id), alpha, tests, flagged: tests.filter((t) => t.flagged) };
}

function groupBy(rows: readonly NightRow[]): Map<string, NightRow[]> {
  const out = new Map<string, NightRow[]>();
  for (const r of rows) {
    const key = `${r.model}\u0000${r.segment}`;
    const g = out.get(key);
    if (g) g.push(r);
    else out.set(key, [r]);
  }
  return out;
}

function testOne(rows: readonly NightRow[], base: readonly NightRow[], metric: RegressionMetric, minCases: number) {
  const baseByCase = new Map<string, { sum: number; n: number }>();
  for (const r of base) {
    const s = baseByCase.get(r.case_id) ?? { sum: 0, n: 0 };
    s.sum += value(r, metric);
    s.n++;
    baseByCase.set(r.case_id, s);
  }
  const diffs: number[] = [];
  for (const r of rows) {
    const b = baseByCase.get(r.case_id);
    if (b) diffs.push(value(r, metric) - b.sum / b.n);
  }
  const cur = moments(rows.map((r) => value(r, metric)));
  const bas = moments(base.map((r) => value(r, metric)));
  let diff: number;
  let se: number;
  let design: 'paired' | 'unpaired';
  if (diffs.length >= minCases) {
    const d = moments(diffs);
    design = 'paired';
    diff = d.mean;
    se = Math.sqrt(d.variance / d.n);
  } else {
    design = 'unpaired';
    diff = cur.mean - bas.mean;
    se = Math.sqrt(cur.variance / cur.n + bas.variance / bas.n);
  }
  const bad = badSign(metric) * diff;
  const p = se > 0 ? normalUpperTail(bad / se) : bad > 0 ? 0 : 1;
  const half = 1.959963984540054 * se;
  return {
    design,
    n: design === 'paired' ? diffs.length : rows.length,
    baseline: bas.mean,
    current: cur.mean,
    diff,
    ci: [diff - half, diff + half] as [number, number],
    p,
  };
}

function moments(x: readonly number[]): { n: number; mean: number; variance: number } {
  const n = x.length;
  let s = 0;
  for (const v of x) s += v;
  const mean = n === 0 ? Number.NaN : s / n;
  let ss = 0;
  for (const v of x) ss += (v - mean) * (v - mean);
  return { n, mean, variance: n > 1 ? ss / (n - 1) : 0 };
}
