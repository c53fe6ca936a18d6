import { nonDecreasingHull, type QcPoint } from '../stats/frontier.js';

/** One group of cases (a segment, or everything else) and what each allowed model does on it. */
export interface GroupModels {
  key: string;
  /** Share of traffic in the group (sums to 1 over groups). */
  share: number;
  /** label = model name; cost per request and mean quality over the group's train cases. */
  points: QcPoint[];
}

export type Objective = { kind: 'max_quality'; maxCost: number } | { kind: 'min_cost'; minQuality: number };

/** model → share of the group's requests; shares sum to 1. */
export type Mix = Record<string, number>;

export interface HullSolution {
  mixes: Map<string, Mix>;
  /** Predicted (train) quality and cost per request of the whole policy. */
  quality: number;
  cost: number;
  /** Marginal quality per extra dollar at the optimum (the Lagrange multiplier); 0 when nothing binds. */
  lambda: number;
  /** False when even the cheapest mixes break the ceiling (or the dearest cannot reach the floor). */
  feasible: boolean;
}

interface Edge {
  group: GroupModels;
  from: QcPoint;
  to: QcPoint;
  slope: number;
  order: number;
}

/**
 * Exact optimum of "per group, a mix of models" under one linear constraint — a fractional knapsack
 * over the groups' convex hulls. Every group starts at its cheapest hull point; hull edges are then
 * bought in order of quality gained per dollar (which respects each group's own edge order, by
 * convexity) until the ceiling (or the quality floor) is met, the last one partially. Only one group
 * ends up mixing two models; all others use a single model.
 */
export function hullWalk(groups: readonly GroupModels[], objective: Objective): HullSolution {
  const mixes = new Map<string, Mix>();
  const hulls = new Map<string, QcPoint[]>();
  let quality = 0;
  let cost = 0;
  const edges: Edge[] = [];
  for (const g of groups) {
    const hull = nonDecreasingHull(g.points);
    hulls.set(g.key, hull);
    const start = hull[0];
    if (!start) continue;
    mixes.set(g.key, { [start.label]: 1 });
    quality += g.share * start.quality;
    cost += g.share * start.cost;
    for (let i = 1; i < hull.length; i++) {
      const from = hull[i - 1] as QcPoint;
      const to = hull[i] as QcPoint;
      const dc = to.cost - from.cost;
      edges.push({ group: g, from, to, slope: dc > 0 ? (to.quality - from.quality) / dc : Number.POSITIVE_INFINITY, order: i });
    }
  }
  // Steepest first; ties broken by group key and position so the result never depends on input order.
  edges.sort((a, b) => b.slope - a.slope || a.group.key.localeCompare(b.group.key) || a.order - b.order);

  const within = (q: number, c: number) =>
    objective.kind === 'max_quality' ? c <= objective.maxCost + 1e-15 : q >= objective.minQuality - 1e-15;
  if (objective.kind === 'max_quality' && cost > objective.maxCost + 1e-15)
    return { mixes, quality, cost, lambda: Number.POSITIVE_INFINITY, feasible: false };
  if (objective.kind === 'min_cost' && within(quality, cost)) return { mixes, quality, cost, lambda: 0, feasible: true };

  let lambda = 0;
  for (const e of edges) {
    const dq = e.group.share * (e.to.quality - e.from.quality);
    const dc = e.group.share * (e.to.cost - e.from.cost);
    // How much of this edge fits: all of it, or the fraction that lands exactly on the bound.
    let t = 1;
    if (objective.kind === 'max_quality') {
      const room = objective.maxCost - cost;
      if (dc > room) t = dc > 0 ? Math.max(0, room / dc) : 1;
    } else {
      const need = objective.minQuality - quality;
      if (dq > need) t = dq > 0 ? Math.max(0, need / dq) : 1;
    }
    if (t <= 0) break;
    quality += t * dq;
    cost += t * dc;
    lambda = e.slope;
    mixes.set(e.group.key, t >= 1 ? { [e.to.label]: 1 } : { [e.from.label]: 1 - t, [e.to.label]: t });
    if (t < 1) break;
    if (objective.kind === 'min_cost' && within(quality, cost)) break;
  }
  if (objective.kind === 'max_quality' && lambda === Number.POSITIVE_INFINITY) lambda = 0;
  const feasible = objective.kind === 'max_quality' ? true : within(quality, cost);
  // When the ceiling never bound (every group reached its best model), no price is being paid.
  const topped = [...hulls.entries()].every(([k, h]) => {
    const mix = mixes.get(k);
    const last = h[h.length - 1];
    return !last || (mix !== undefined && mix[last.label] === 1);
  });
  return { mixes, quality, cost, lambda: topped && objective.kind === 'max_quality' ? 0 : lambda, feasible };
}
