import type { Rng } from '../domain/rng.js';
import { binomialSampler } from './binomial.js';
import { fastRngState, fastUniform, type FastRngState } from './fast-rng.js';

export interface MeanCi {
  mean: number;
  /** Percentile interval of the resampled means. */
  ci: [number, number];
}

export interface BootstrapOptions {
  rng: Rng;
  /** Default 2,000: enough for a stable 95% percentile interval. */
  resamples?: number;
  /** Default 0.95. */
  level?: number;
}

export const DEFAULT_RESAMPLES = 2000;

/** True when every value is exactly 0 or 1 (pass/fail scores). */
export function isBinary(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1) return false;
  }
  return true;
}

/** Up to this many distinct values resample as counts (multinomial) instead of index draws. */
export const MAX_LEVELS = 16;

/** The distinct values and their counts, or null when there are more than MAX_LEVELS. */
function levelsOf(values: Float64Array): { levels: number[]; counts: number[] } | null {
  const counts = new Map<number, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const c = counts.get(v);
    if (c === undefined) {
      if (counts.size === MAX_LEVELS) return null;
      counts.set(v, 1);
    } else counts.set(v, c + 1);
  }
  const levels = [...counts.keys()].sort((a, b) => a - b);
  return { levels, counts: levels.map((l) => counts.get(l) as number) };
}

/**
 * `resamples` bootstrap means of `values` (sampling n with replacement).
 *
 * Scores with few distinct values — 0/1 correctness, a 50/50 mix of them, paired differences in
 * {−1, 0, 1} — resample as counts: a resample is a multinomial draw over the levels, done as one
 * binomial per level, so the cost no longer grows with n. Anything else draws n indices with the
 * generator inlined in the loop on purpose: a call per draw costs 3× at 10^9 draws.
 */
export function bootstrapMeans(values: Float64Array, resamples: number, state: FastRngState): Float64Array {
  const n = values.length;
  const out = new Float64Array(resamples);
  if (n === 0) return out.fill(Number.NaN);
  const lv = levelsOf(values);
  if (lv) {
    const draw = binomialSampler(fastUniform(state));
    const k = lv.levels.length;
    for (let r = 0; r < resamples; r++) {
      let left = n;
      let leftCount = n;
      let sum = 0;
      for (let j = 0; j < k - 1 && left > 0; j++) {
        const c = lv.counts[j] as number;
        const x = draw(left, c / leftCount);
        sum += x * (lv.levels[j] as number);
        left -= x;
        leftCount -= c;
      }
      sum += left * (lv.levels[k - 1] as number);
      out[r] = sum / n;
    }
    return out;
  }
  let { a, b, c, d } = state;
  const scale = n / 4294967296;
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const t = a ^ (a << 11);
      a = b;
      b = c;
      c = d;
      // State stays int32 (a `>>> 0` here makes V8 box every word as a double: 2-3× slower).
      d = d ^ (d >>> 19) ^ (t ^ (t >>> 8));
      sum += values[((d >>> 0) * scale) | 0] as number;
    }
    out[r] = sum / n;
  }
  return out;
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s / values.length;
}

/** Percentile interval from resampled statistics (sorted in place). */
export function percentileInterval(stats: Float64Array, level: number): [number, number] {
  stats.sort();
  const n = stats.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  const alpha = (1 - level) / 2;
  const at = (q: number) => stats[Math.min(n - 1, Math.max(0, Math.floor(q * (n - 1) + 0.5)))] as number;
  return [at(alpha), at(1 - alpha)];
}

/** Mean with a seeded bootstrap percentile CI. */
export function bootstrapMeanCi(values: ArrayLike<number>, options: BootstrapOptions): MeanCi {
  const x = values instanceof Float64Array ? values : Float64Array.from(values);
  const m = mean(x);
  if (x.length === 0) return { mean: Number.NaN, ci: [Number.NaN, Number.NaN] };
  const boots = bootstrapMeans(x, options.resamples ?? DEFAULT_RESAMPLES, fastRngState(options.rng));
  return { mean: m, ci: percentileInterval(boots, options.level ?? 0.95) };
}
