import type { Target } from '../domain/policy-spec.js';

/** Weights as shares of 1; an absent weight counts as 1 (the watsonx default). */
export function normalizedWeights(targets: ReadonlyArray<Pick<Target, 'weight'>>): number[] {
  const raw = targets.map((t) => t.weight ?? 1);
  const total = raw.reduce((a, b) => a + b, 0);
  return total > 0 ? raw.map((w) => w / total) : raw.map(() => 1 / Math.max(1, raw.length));
}
