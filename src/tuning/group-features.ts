import type { RunCase } from '../domain/run.js';
import { buildFeatures, type FeatureOptions, type FeatureSet } from './features.js';
import type { Grouping } from './grouping.js';

/**
 * Candidate tests per group of `base`, merged into one set: a tree grown inside a group (a segment)
 * sees thresholds at that group's own quantiles (one task's prompt lengths, not the run's) and
 * keywords by their support there. Each case holds only the tests of its own group.
 */
export function groupFeatures(cases: readonly RunCase[], fitRows: readonly number[], base: Grouping, options: FeatureOptions): FeatureSet {
  const fitBy = new Map<string, number[]>();
  for (const r of fitRows) push(fitBy, base.keyOf(r), r);
  const allBy = new Map<string, number[]>();
  for (let r = 0; r < cases.length; r++) {
    const k = base.keyOf(r);
    if (fitBy.has(k)) push(allBy, k, r);
  }
  if (fitBy.size <= 1) return buildFeatures(cases, fitRows, options);
  const features: FeatureSet['features'] = [];
  const holds: Int32Array[] = Array.from({ length: cases.length }, () => new Int32Array(0));
  for (const [k, rows] of [...fitBy].sort((a, b) => a[0].localeCompare(b[0]))) {
    const members = allBy.get(k) as number[];
    const set = buildFeatures(cases, rows, options, members);
    const offset = features.length;
    features.push(...set.features);
    for (const r of members) holds[r] = (set.holds[r] as Int32Array).map((f) => f + offset);
  }
  return { features, holds };
}

function push(map: Map<string, number[]>, key: string, row: number): void {
  const list = map.get(key);
  if (list) list.push(row);
  else map.set(key, [row]);
}
