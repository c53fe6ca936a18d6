import type { Scorer } from '../domain/scorer-spec.js';
import type { FieldSource } from '../domain/request-field.js';
import { parseField, type FieldRef } from '../domain/request-field.js';
import { scorerFeatures } from './text-features.js';

/**
 * A stored scorer compiled for the router: weights dense, bucket-major (one bucket's weights for
 * every model sit together), so scoring a request is one pass over its buckets.
 */
export interface CompiledScorer {
  dim: number;
  models: readonly string[];
  /** Index of the model with the highest predicted quality − λ·cost for this request. */
  choose(request: FieldSource): number;
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
  // Fields were checked by validation; one that does not parse is simply not read.
  const fields: FieldRef[] = [];
  for (const name of scorer.fields ?? []) {
    const parsed = parseField(name, 'error');
    if (parsed.ok) fields.push(parsed.field);
  }
  return {
    dim,
    models: scorer.models.map((m) => m.model_name),
    choose(request) {
      z.set(bias);
      const f = scorerFeatures(request, fields, dim);
      for (let i = 0; i < f.idx.length; i++) {
        const at = (f.idx[i] as number) * M;
        const x = f.val[i] as number;
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
