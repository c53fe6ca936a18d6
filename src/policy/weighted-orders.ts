import type { Rng } from '../domain/rng.js';

/**
 * Loadbalance plans: the first target drawn by weight, each next one redrawn by weight among those
 * left. For up to 6 targets every order is enumerated once with its exact probability (720 at most),
 * so a decision is one uniform draw and a binary search returning a shared, frozen plan. Larger
 * groups draw step by step.
 */
export const MAX_ENUMERATED_TARGETS = 6;

export interface OrderTable<T> {
  /** Cumulative probability of each order; the last is ≈ 1. */
  cumulative: Float64Array;
  orders: ReadonlyArray<readonly T[]>;
}

/** Every order of `weights.length` indices (or only first picks when `firstOnly`), with probabilities. */
export function enumerateOrders<T>(weights: readonly number[], firstOnly: boolean, entry: (index: number, step: number) => T): OrderTable<T> {
  const n = weights.length;
  const orders: T[][] = [];
  const probs: number[] = [];
  const walk = (prefix: number[], p: number, massLeft: number) => {
    if (prefix.length === n || (firstOnly && prefix.length === 1)) {
      orders.push(prefix.map((idx, step) => entry(idx, step)));
      probs.push(p);
      return;
    }
    for (let i = 0; i < n; i++) {
      if (prefix.includes(i)) continue;
      const w = weights[i] as number;
      walk([...prefix, i], p * (w / massLeft), massLeft - w);
    }
  };
  walk([], 1, weights.reduce((a, b) => a + b, 0));
  const cumulative = new Float64Array(probs.length);
  let acc = 0;
  probs.forEach((p, i) => (cumulative[i] = acc += p));
  return { cumulative, orders: orders.map((o) => Object.freeze(o)) };
}

export function drawOrder<T>(table: OrderTable<T>, rng: Rng): readonly T[] {
  const c = table.cumulative;
  const u = rng.next() * (c[c.length - 1] as number);
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < (c[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return table.orders[lo] as readonly T[];
}

/** Step by step, one uniform per pick, for groups too large to enumerate. */
export function drawOrderStepwise(weights: readonly number[], rng: Rng): number[] {
  const left = weights.map((_, i) => i);
  const order: number[] = [];
  let mass = weights.reduce((a, b) => a + b, 0);
  while (left.length > 1) {
    let u = rng.next() * mass;
    let pick = left.length - 1;
    for (let j = 0; j < left.length - 1; j++) {
      u -= weights[left[j] as number] as number;
      if (u < 0) {
        pick = j;
        break;
      }
    }
    const idx = left.splice(pick, 1)[0] as number;
    order.push(idx);
    mass -= weights[idx] as number;
  }
  order.push(left[0] as number);
  return order;
}
