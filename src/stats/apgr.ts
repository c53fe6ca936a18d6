/**
 * RouteLLM's two-model metrics (routellm/evals/evaluate.py). A router's curve is quality against
 * the share of calls sent to the strong model.
 *  - APGR: (AUC − weak·span) / (strong·span − weak·span), AUC by the trapezoid rule over the
 *    curve's own share range — 0 is the weak model's quality everywhere, 1 the strong model's.
 *  - CPT(x): the smallest strong share (in %) that reaches weak + x·(strong − weak), by linear
 *    interpolation; RouteLLM's np.interp clamps to the curve's end when the target is never reached
 *    and so do we, so CPT(80%) of a router that never gets there is its largest share.
 */
export interface CurvePoint {
  /** Share of calls to the strong model, 0..1. */
  strongShare: number;
  quality: number;
}

function sortCurve(curve: readonly CurvePoint[]): CurvePoint[] {
  return [...curve].sort((a, b) => a.strongShare - b.strongShare || a.quality - b.quality);
}

export function apgr(curve: readonly CurvePoint[], weakQuality: number, strongQuality: number): number {
  const c = sortCurve(curve);
  if (c.length < 2 || strongQuality === weakQuality) return Number.NaN;
  let auc = 0;
  for (let i = 1; i < c.length; i++) {
    const a = c[i - 1] as CurvePoint;
    const b = c[i] as CurvePoint;
    auc += ((a.quality + b.quality) / 2) * (b.strongShare - a.strongShare);
  }
  const span = (c[c.length - 1] as CurvePoint).strongShare - (c[0] as CurvePoint).strongShare;
  return (auc - weakQuality * span) / (strongQuality * span - weakQuality * span);
}

/** Percentage of strong-model calls needed to reach `fraction` of the quality gap. */
export function cpt(curve: readonly CurvePoint[], weakQuality: number, strongQuality: number, fraction: number): number {
  const c = sortCurve(curve);
  if (c.length === 0) return Number.NaN;
  const target = weakQuality + fraction * (strongQuality - weakQuality);
  const first = c[0] as CurvePoint;
  if (first.quality >= target) return first.strongShare * 100;
  for (let i = 1; i < c.length; i++) {
    const a = c[i - 1] as CurvePoint;
    const b = c[i] as CurvePoint;
    if (b.quality >= target) {
      const t = b.quality === a.quality ? 0 : (target - a.quality) / (b.quality - a.quality);
      return (a.strongShare + t * (b.strongShare - a.strongShare)) * 100;
    }
  }
  return (c[c.length - 1] as CurvePoint).strongShare * 100;
}

/**
 * The oracle curve for two models: at each strong share, send to the strong model the cases where
 * it gains most over the weak one (RouteLLM's "optimal"). Sampled at `steps` + 1 evenly spaced shares.
 */
export function oracleCurve(weak: ArrayLike<number>, strong: ArrayLike<number>, steps = 100): CurvePoint[] {
  const n = weak.length;
  const gains = Float64Array.from({ length: n }, (_, i) => (strong[i] as number) - (weak[i] as number))
    .sort()
    .reverse();
  let base = 0;
  for (let i = 0; i < n; i++) base += weak[i] as number;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] as number) + Math.max(0, gains[i] as number);
  const curve: CurvePoint[] = [];
  for (let s = 0; s <= steps; s++) {
    const share = s / steps;
    const k = share * n;
    const whole = Math.floor(k);
    const frac = k - whole;
    const gain = (prefix[whole] as number) + (whole < n ? frac * Math.max(0, gains[whole] as number) : 0);
    curve.push({ strongShare: share, quality: n ? (base + gain) / n : 0 });
  }
  return curve;
}

/** Random routing between the two: a straight line (APGR 0.5 by construction). */
export function randomCurve(weakQuality: number, strongQuality: number): CurvePoint[] {
  return [
    { strongShare: 0, quality: weakQuality },
    { strongShare: 1, quality: strongQuality },
  ];
}
