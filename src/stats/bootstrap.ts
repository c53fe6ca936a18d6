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

/** True when every value is exactly 0 or 1 (pass/fail scores): those resample as binomial counts. */
export function isBinary(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1) return false;
  }
  return true;
}

/**
 * `resamples` bootstrap means of `values` (sampling n with replacement). The generator is inlined
 * in the loop on purpose: this runs 10^9 draws for a large run and a call per draw costs 3×.
 */
export function bootstrapMeans(values: Float64Array, resamples: number, state: FastRngState): Float64Array {
  const n = values.length;
  const out = new Float64Array(resamples);
  if (n === 0) return out.fill(Number.NaN);
  if (isBinary(values)) {
    let k = 0;
    for (let i = 0; i < n; i++) k += values[i] as number;
    const draw = binomialSampler(fastUniform(state));
    for (let r = 0; r < resamples; r++) out[r] = draw(n, k / n) / n;
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
      d = (d ^ (d >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
      sum += values[(d * scale) | 0] as number;
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
