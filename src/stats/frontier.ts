import type { OutcomeTable } from './outcome-table.js';

/** A point on the quality/cost plane: mean cost per request (USD) and mean quality. */
export interface QcPoint {
  label: string;
  cost: number;
  quality: number;
}

/** Each model alone over the given cases. */
export function modelPoints(table: OutcomeTable, rows: readonly number[]): QcPoint[] {
  const M = table.models.length;
  return table.models.map((model, m) => {
    let q = 0;
    let c = 0;
    for (const r of rows) {
      q += table.quality[r * M + m] as number;
      c += table.cost[r * M + m] as number;
    }
    const n = Math.max(1, rows.length);
    return { label: model, cost: c / n, quality: q / n };
  });
}

/** Best model per case, the cheapest among those tied for best: the ceiling no router can pass. */
export function oraclePoint(table: OutcomeTable, rows: readonly number[]): QcPoint {
  const M = table.models.length;
  let q = 0;
  let c = 0;
  for (const r of rows) {
    let bestQ = -1;
    let bestC = Number.POSITIVE_INFINITY;
    for (let m = 0; m < M; m++) {
      const qm = table.quality[r * M + m] as number;
      const cm = table.cost[r * M + m] as number;
      if (qm > bestQ || (qm === bestQ && cm < bestC)) {
        bestQ = qm;
        bestC = cm;
      }
    }
    q += Math.max(0, bestQ);
    c += Number.isFinite(bestC) ? bestC : 0;
  }
  const n = Math.max(1, rows.length);
  return { label: 'oracle', cost: c / n, quality: q / n };
}

/** Highest quality, cheapest on ties. */
export function bestSingle(points: readonly QcPoint[]): QcPoint | undefined {
  return [...points].sort((a, b) => b.quality - a.quality || a.cost - b.cost || a.label.localeCompare(b.label))[0];
}

/** Lowest cost, best quality on ties. */
export function cheapestSingle(points: readonly QcPoint[]): QcPoint | undefined {
  return [...points].sort((a, b) => a.cost - b.cost || b.quality - a.quality || a.label.localeCompare(b.label))[0];
}

/** Uniform random routing over all models: the average of their points. */
export function randomRouting(points: readonly QcPoint[]): QcPoint {
  const n = Math.max(1, points.length);
  return {
    label: 'random',
    cost: points.reduce((s, p) => s + p.cost, 0) / n,
    quality: points.reduce((s, p) => s + p.quality, 0) / n,
  };
}

/**
 * The non-decreasing upper convex hull (RouterBench): the best quality reachable at each cost by
 * mixing the points, with quality never falling as cost grows. Returned from cheapest to dearest.
 */
export function nonDecreasingHull(points: readonly QcPoint[]): QcPoint[] {
  const sorted = [...points]
    .filter((p) => Number.isFinite(p.cost) && Number.isFinite(p.quality))
    .sort((a, b) => a.cost - b.cost || b.quality - a.quality);
  // Only points that raise quality over everything cheaper can be on a non-decreasing frontier.
  const rising: QcPoint[] = [];
  for (const p of sorted) {
    const last = rising[rising.length - 1];
    if (!last || p.quality > last.quality) rising.push(p);
  }
  const hull: QcPoint[] = [];
  for (const p of rising) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2] as QcPoint;
      const b = hull[hull.length - 1] as QcPoint;
      // Drop b when it lies on or under the chord a→p (cross product ≥ 0 means a left turn is missing).
      const cross = (b.cost - a.cost) * (p.quality - a.quality) - (b.quality - a.quality) * (p.cost - a.cost);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull;
}

/** Quality of the hull at a cost (flat after its dearest point, undefined below its cheapest). */
export function hullQualityAt(hull: readonly QcPoint[], cost: number): number {
  if (hull.length === 0) return Number.NaN;
  const first = hull[0] as QcPoint;
  if (cost < first.cost) return Number.NaN;
  for (let i = 1; i < hull.length; i++) {
    const a = hull[i - 1] as QcPoint;
    const b = hull[i] as QcPoint;
    if (cost <= b.cost) return b.cost === a.cost ? b.quality : a.quality + ((cost - a.cost) / (b.cost - a.cost)) * (b.quality - a.quality);
  }
  return (hull[hull.length - 1] as QcPoint).quality;
}
