import type { Scorer } from '../domain/scorer-spec.js';
import { hashedNgrams } from './text-features.js';

/**
 * A stored scorer compiled for the router: weights dense, bucket-major (one bucket's weights for
 * every model sit together), so scoring a request is one pass over its buckets.
 */
export interface CompiledScorer {
  dim: number;
  models: readonly string[];
  /** Index of the model with the highest predicted quality − λ·cost for this text. */
  choose(text: string): number;
}

export function compileScorer(scorer: Scorer): CompiledScorer {
  const M = scorer.models.length;
  const dim = scorer.dim;
  const weights = new Float64Array(dim * M);
  const bias = new Float64Array(M);
  const price = new Float64Array(M);
  scorer.models.forEach((m, mi) => {
    bias[mi] = m.bias;
    price[mi] = scorer.lambda * m.cost;
    for (const [bucket, w] of m.weights) if (bucket < dim) weights[bucket * M + mi] = w;
  });
  const z = new Float64Array(M);
  return {
    dim,
    models: scorer.models.map((m) => m.model_name),
    choose(text) {
      z.set(bias);
      const buckets = hashedNgrams(text, dim);
      const x = featureScale(buckets.length);
      for (const b of buckets) {
        const at = b * M;
        for (let mi = 0; mi < M; mi++) z[mi] = (z[mi] as number) + x * (weights[at + mi] as number);
      }
      let best = 0;
      let bestValue = Number.NEGATIVE_INFINITY;
      for (let mi = 0; mi < M; mi++) {
        const v = predictedQuality(z[mi] as number) - (price[mi] as number);
        if (v > bestValue) {
          bestValue = v;
          best = mi;
        }
      }
      return best;
    },
  };
}

/** The logistic link: a linear score → predicted quality in (0, 1). */
export function predictedQuality(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Each present bucket counts 1/√(buckets present): long and short texts move the score alike. */
export function featureScale(present: number): number {
  return present > 0 ? 1 / Math.sqrt(present) : 0;
}
