import type { Scorer } from '../domain/scorer-spec.js';
import type { FieldSource } from '../domain/request-field.js';
import { parseField, type FieldRef } from '../domain/request-field.js';
import { addWeighted, scorerFeatures } from './text-features.js';

/**
 * A stored scorer compiled for the router: weights dense, bucket-major (one bucket's weights for
 * every model sit together), so scoring a request is one pass over its buckets.
 */
export interface CompiledScorer {
  dim: number;
  models: readonly string[];
  /** The boundary mix's weight of the second price, or null when the scorer has one price. */
  mixWeight: number | null;
  /**
   * Index of the model with the highest predicted quality − λ·cost for this request; with a mix,
   * `a * models.length + b` where a is the choice at λ and b at the mix's price (the router draws
   * between them with the mix's weight).
   */
  choose(request: FieldSource): number;
}

export function compileScorer(scorer: Scorer): CompiledScorer {
  const M = scorer.models.length;
  const dim = scorer.dim;
  const weights = new Float64Array(dim * M);
  const bias = new Float64Array(M);
  const price = new Float64Array(M);
  const mixPrice = scorer.mix ? new Float64Array(M) : null;
  const cost = costModelOf(scorer);
  scorer.models.forEach((m, mi) => {
    bias[mi] = m.bias;
    price[mi] = scorer.lambda * m.cost;
    if (mixPrice && scorer.mix) mixPrice[mi] = scorer.mix.lambda * m.cost;
    for (const [bucket, w] of m.weights) if (bucket < dim) weights[bucket * M + mi] = w;
  });
  const z = new Float64Array(M);
  const zc = new Float64Array(M);
  // Fields were checked by validation; one that does not parse is simply not read.
  const fields: FieldRef[] = [];
  for (const name of scorer.fields ?? []) {
    const parsed = parseField(name, 'error');
    if (parsed.ok) fields.push(parsed.field);
  }
  return {
    dim,
    models: scorer.models.map((m) => m.model_name),
    mixWeight: scorer.mix ? scorer.mix.weight : null,
    choose(request) {
      z.set(bias);
      const f = scorerFeatures(request, fields, dim);
      addWeighted(z, f, weights, M);
      for (let mi = 0; mi < M; mi++) z[mi] = predictedQuality(z[mi] as number);
      if (cost) {
        // Prices of this request: λ × its predicted cost (a model without a cost model keeps its mean).
        const t = Math.log1p(Math.max(0, request.input_tokens));
        for (let mi = 0; mi < M; mi++) zc[mi] = (cost.bias[mi] as number) + (cost.slope[mi] as number) * t;
        addWeighted(zc, f, cost.weights, M);
        for (let mi = 0; mi < M; mi++) {
          const c = cost.has[mi] ? predictedCost(zc[mi] as number) : (scorer.models[mi]?.cost as number);
          price[mi] = scorer.lambda * c;
          if (mixPrice && scorer.mix) mixPrice[mi] = scorer.mix.lambda * c;
        }
      }
      const a = argmaxAt(z, price);
      return mixPrice ? a * M + argmaxAt(z, mixPrice) : a;
    },
  };
}

/** The stored cost models, dense and bucket-major like the quality weights; null when none. */
function costModelOf(scorer: Scorer): { bias: Float64Array; slope: Float64Array; weights: Float64Array; has: boolean[] } | null {
  if (!scorer.models.some((m) => m.cost_model)) return null;
  const M = scorer.models.length;
  const out = {
    bias: new Float64Array(M),
    slope: new Float64Array(M),
    weights: new Float64Array(scorer.dim * M),
    has: scorer.models.map((m) => m.cost_model !== undefined),
  };
  scorer.models.forEach((m, mi) => {
    if (!m.cost_model) return;
    out.bias[mi] = m.cost_model.bias;
    out.slope[mi] = m.cost_model.per_log_token;
    for (const [bucket, w] of m.cost_model.weights) if (bucket < scorer.dim) out.weights[bucket * M + mi] = w;
  });
  return out;
}

/** The model with the highest predicted quality − price (ties: the first). */
function argmaxAt(quality: Float64Array, price: Float64Array): number {
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let mi = 0; mi < quality.length; mi++) {
    const v = (quality[mi] as number) - (price[mi] as number);
    if (v > bestValue) {
      bestValue = v;
      best = mi;
    }
  }
  return best;
}

/** The cost model's link: a linear score of log cost → predicted cost in USD (capped: no Infinity). */
export function predictedCost(z: number): number {
  return Math.exp(Math.min(z, 30));
}

/** The logistic link: a linear score → predicted quality in (0, 1). */
export function predictedQuality(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
