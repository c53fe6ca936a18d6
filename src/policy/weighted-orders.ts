import type { Rng } from '../domain/rng.js';

/**
 * Loadbalance plans: the first target drawn by weight, each next one redrawn by weight among those
 * left. For up to 6 targets every order is enumerated once with its exact probability (720 at most)
 * into a Walker alias table, so a decision is one uniform draw and one comparison returning a shared,
 * frozen plan (a binary search's unpredictable branches cost more than the rest of the router).
 * Larger groups draw step by step.
 */
export const MAX_ENUMERATED_TARGETS = 6;

export interface OrderTable<T> {
  orders: ReadonlyArray<readonly T[]>;
  /** The exact probability of each order (for inspection and tests). */
  probabilities: Float64Array;
  /** Walker alias table: slot i keeps order i with probability keep[i], else gives alias[i]. */
  keep: Float64Array;
  alias: Int32Array;
}

/** Every order of `weights.length` indices (or only first picks when `firstOnly`), with probabilities. */
export function enumerateOrders<T>(
  weights: readonly number[],
  firstOnly: boolean,
  entry: (index: number, step: number) => T,
): OrderTable<T> {
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
  walk(
    [],
    1,
    weights.reduce((a, b) => a + b, 0),
  );
  return { orders: orders.map((o) => Object.freeze(o)), probabilities: Float64Array.from(probs), ...aliasTable(probs) };
}

/** Vose's construction of a Walker alias table. */
function aliasTable(probs: readonly number[]): { keep: Float64Array; alias: Int32Array } {
  const n = probs.length;
  const total = probs.reduce((a, b) => a + b, 0);
  const scaled = probs.map((p) => (p * n) / total);
  const keep = new Float64Array(n);
  const alias = new Int32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
  while (small.length && large.length) {
    const s = small.pop() as number;
    const l = large.pop() as number;
    keep[s] = scaled[s] as number;
    alias[s] = l;
    scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1;
    ((scaled[l] as number) < 1 ? small : large).push(l);
  }
  // What is left is 1 up to rounding: those slots always keep their own order.
  for (const i of [...small, ...large]) {
    keep[i] = 1;
    alias[i] = i;
  }
  return { keep, alias };
}

/** The index of an order drawn by its probability. */
export function drawOrder<T>(table: OrderTable<T>, rng: Rng): number {
  const x = rng.next() * table.keep.length;
  const slot = x | 0;
  return x - slot < (table.keep[slot] as number) ? slot : (table.alias[slot] as number);
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
