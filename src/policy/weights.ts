import type { Target } from '../domain/policy-spec.js';
import type { Rng } from '../domain/rng.js';

/** Weights as shares of 1; an absent weight counts as 1 (the watsonx default). */
export function normalizedWeights(targets: ReadonlyArray<Pick<Target, 'weight'>>): number[] {
  const raw = targets.map((t) => t.weight ?? 1);
  const total = raw.reduce((a, b) => a + b, 0);
  return total > 0 ? raw.map((w) => w / total) : raw.map(() => 1 / Math.max(1, raw.length));
}

/** Index drawn by weight from a cumulative table (last entry ≈ 1). */
export function drawIndex(cumulative: readonly number[], rng: Rng): number {
  const u = rng.next() * (cumulative[cumulative.length - 1] ?? 1);
  for (let i = 0; i < cumulative.length - 1; i++) if (u < (cumulative[i] as number)) return i;
  return cumulative.length - 1;
}
