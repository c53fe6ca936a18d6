import type { Mix } from './hull-walk.js';

/** Share of requests that would move to another model: total variation distance ½·Σ|a − b|. */
export function mixDistance(a: Mix, b: Mix): number {
  const models = new Set([...Object.keys(a), ...Object.keys(b)]);
  let d = 0;
  for (const m of models) d += Math.abs((a[m] ?? 0) - (b[m] ?? 0));
  return d / 2;
}

/** (1 − t)·from + t·to: quality and cost are linear in the mix, so this moves along a straight line. */
export function blendMix(from: Mix, to: Mix, t: number): Mix {
  const out: Mix = {};
  for (const m of new Set([...Object.keys(from), ...Object.keys(to)])) {
    const w = (1 - t) * (from[m] ?? 0) + t * (to[m] ?? 0);
    if (w > 0) out[m] = w;
  }
  return out;
}

export interface ChangeLimit {
  mixes: Map<string, Mix>;
  /** Traffic-weighted share of requests the unconstrained optimum would move. */
  wanted: number;
  /** What the limited proposal moves. */
  moved: number;
  /** Fraction of the way from the current routing to the optimum (1 = not limited). */
  step: number;
}

/**
 * Bounded change per night: at most `limit` of all requests may move to a different model. When the
 * optimum moves more, every group goes the same fraction of the way from today's routing towards it.
 */
export function limitChange(
  current: ReadonlyMap<string, Mix>,
  target: ReadonlyMap<string, Mix>,
  shares: ReadonlyMap<string, number>,
  limit: number | undefined,
): ChangeLimit {
  let wanted = 0;
  for (const [key, mix] of target) wanted += (shares.get(key) ?? 0) * mixDistance(current.get(key) ?? {}, mix);
  const step = limit === undefined || wanted <= limit ? 1 : limit / wanted;
  const mixes = new Map<string, Mix>();
  for (const [key, mix] of target) mixes.set(key, step >= 1 ? mix : blendMix(current.get(key) ?? mix, mix, step));
  return { mixes, wanted, moved: wanted * step, step };
}
