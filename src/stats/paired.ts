import { bootstrapMeans, DEFAULT_RESAMPLES, mean, percentileInterval, type BootstrapOptions } from './bootstrap.js';
import { fastRngState } from './fast-rng.js';

export interface PairedDiff {
  /** Mean of a − b over the same cases. */
  mean: number;
  ci: [number, number];
  /** Two-sided bootstrap p-value for "no difference". */
  p_value: number;
  n: number;
}

/**
 * Paired bootstrap of a − b on the same cases: resampling the per-case differences keeps the case
 * difficulty shared by both sides, which is what makes small policy changes detectable.
 * The p-value shifts the resampled means to the null (mean 0) and counts those at least as
 * extreme as the observed difference, with the +1 correction so it is never exactly 0.
 */
export function pairedBootstrap(a: ArrayLike<number>, b: ArrayLike<number>, options: BootstrapOptions): PairedDiff {
  if (a.length !== b.length) throw new Error(`paired bootstrap needs equal lengths (${a.length} vs ${b.length})`);
  const n = a.length;
  if (n === 0) return { mean: Number.NaN, ci: [Number.NaN, Number.NaN], p_value: 1, n };
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = (a[i] as number) - (b[i] as number);
  const m = mean(d);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const boots = bootstrapMeans(d, resamples, fastRngState(options.rng));
  let extreme = 0;
  const observed = Math.abs(m);
  // A tiny tolerance so an exact zero difference (identical policies) gives p = 1, not noise.
  const tol = 1e-12;
  for (let r = 0; r < resamples; r++) if (Math.abs((boots[r] as number) - m) >= observed - tol) extreme++;
  const p = Math.min(1, (extreme + 1) / (resamples + 1));
  return { mean: m, ci: percentileInterval(boots, options.level ?? 0.95), p_value: p, n };
}
