import { nonDecreasingHull, type QcPoint } from './frontier.js';

/**
 * RouterBench's Average Improvement in Quality: the area under the non-decreasing convex hull of a
 * router's (cost, quality) points, divided by the cost range it spans — the mean quality the router
 * offers across its own cost range. A single point (or no spread in cost) gives its quality.
 */
export function aiq(points: readonly QcPoint[]): number {
  const finite = points.filter((p) => Number.isFinite(p.cost) && Number.isFinite(p.quality));
  if (finite.length === 0) return Number.NaN;
  const cMin = Math.min(...finite.map((p) => p.cost));
  const cMax = Math.max(...finite.map((p) => p.cost));
  const hull = nonDecreasingHull(finite);
  if (cMax <= cMin) return Math.max(...finite.map((p) => p.quality));
  let area = 0;
  for (let i = 1; i < hull.length; i++) {
    const a = hull[i - 1] as QcPoint;
    const b = hull[i] as QcPoint;
    area += ((a.quality + b.quality) / 2) * (b.cost - a.cost);
  }
  const last = hull[hull.length - 1] as QcPoint;
  area += last.quality * (cMax - last.cost);
  return area / (cMax - cMin);
}
