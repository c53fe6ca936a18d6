import type { Rng } from '../domain/rng.js';
import type { ScorerCostModel } from '../domain/scorer-spec.js';
import { predictedCost } from '../policy/compiled-scorer.js';
import { addWeighted, type ScorerFeatures } from '../policy/text-features.js';

/**
 * The learned scorer's cost model: per model, a ridge regression of log cost per request on
 * log(1 + input tokens) and the same hashed n-grams the quality model reads. A request's cost is
 * mostly its answer's length (output tokens are priced 1–3× input tokens and answers vary ~10×
 * in length), which the prompt predicts in part ("write an essay" vs "what is X"): routing a
 * request to an expensive model is cheap when its answer will be short.
 * Fitted in two steps: least squares on log tokens, then seeded SGD of the residual on the n-grams
 * (L2 penalty), then the bias corrected so that exp(prediction) is unbiased for the mean cost on
 * the fitting rows (Duan's smearing). Pure: the rng is passed in.
 */

/** Costs at or below this (USD) are read as this before the log: a free model stays ~free. */
export const COST_FLOOR = 1e-9;
const EPOCHS = 20;
const LEARNING_RATE = 0.3;
/** Work cap per fit (row updates, rows used): log cost is a smooth target, fewer rows than quality suffice. */
const MAX_UPDATES = 24_000;
const MAX_ROWS = 2_000;
/** The n-gram weights' penalty (log cost is a smooth target; a few hundred rows overfit easily). */
export const COST_L2 = 1e-2;

export interface CostData {
  featuresOf(row: number): ScorerFeatures;
  /** Buckets of the features (the quality model's: one hashing serves both). */
  dim: number;
  tokensOf(row: number): number;
  cost: Float64Array;
  width: number;
  models: readonly number[];
}

export interface FittedCost {
  bias: Float64Array;
  /** Per model: the coefficient of log(1 + input tokens). */
  slope: Float64Array;
  /** Bucket-major: weights[bucket * K + k]. */
  weights: Float64Array;
}

export function fitCost(data: CostData, allRows: readonly number[], rng: Rng, l2 = COST_L2): FittedCost {
  const K = data.models.length;
  // A large run fits on a seeded sample: bounded time, and features are computed for those rows only.
  const rows = [...allRows];
  if (rows.length > MAX_ROWS) {
    shuffle(rows, rng.fork('cost-sample'));
    rows.length = MAX_ROWS;
  }
  const n = Math.max(1, rows.length);
  // Y[i * K + k]: log cost of row i on model k; t[i]: log(1 + its input tokens).
  const Y = new Float64Array(rows.length * K);
  rows.forEach((r, i) => {
    for (let k = 0; k < K; k++)
      Y[i * K + k] = Math.log(Math.max(COST_FLOOR, data.cost[r * data.width + (data.models[k] as number)] as number));
  });
  const t = rows.map((r) => Math.log1p(Math.max(0, data.tokensOf(r))));
  const tMean = t.reduce((a, x) => a + x, 0) / n;
  const tVar = t.reduce((a, x) => a + (x - tMean) ** 2, 0);
  const bias = new Float64Array(K);
  const slope = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let yMean = 0;
    let cov = 0;
    rows.forEach((_, i) => (yMean += (Y[i * K + k] as number) / n));
    rows.forEach((_, i) => (cov += ((t[i] as number) - tMean) * ((Y[i * K + k] as number) - yMean)));
    slope[k] = tVar > 1e-12 ? cov / tVar : 0;
    bias[k] = yMean - (slope[k] as number) * tMean;
  }
  // The residual the n-grams explain.
  const R = Y.map((y, j) => y - (bias[j % K] as number) - (slope[j % K] as number) * (t[Math.floor(j / K)] as number));
  const weights = new Float64Array(data.dim * K);
  sgd(data, rows, R, rng, l2, weights);
  // Smearing: exp of a log prediction is the median; scale it so its mean matches the mean cost.
  const ratio = new Float64Array(K);
  rows.forEach((r, i) => {
    const f = data.featuresOf(r);
    for (let k = 0; k < K; k++) ratio[k] = (ratio[k] as number) + Math.exp((R[i * K + k] as number) - dot(f, weights, K, k)) / n;
  });
  for (let k = 0; k < K; k++) bias[k] = (bias[k] as number) + Math.log(Math.max(1e-12, ratio[k] as number));
  return { bias, slope, weights };
}

/** SGD of the residuals R (position-major, K a row) on the rows' n-grams, with an L2 penalty. */
function sgd(data: CostData, rows: readonly number[], R: Float64Array, rng: Rng, l2: number, weights: Float64Array): void {
  const K = data.models.length;
  const order = rows.map((_, i) => i);
  const epochs = Math.max(2, Math.min(EPOCHS, Math.floor(MAX_UPDATES / Math.max(1, order.length))));
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, rng);
    const lr = LEARNING_RATE / Math.sqrt(1 + epoch);
    for (const i of order) {
      const f = data.featuresOf(rows[i] as number);
      for (let k = 0; k < K; k++) {
        const g = dot(f, weights, K, k) - (R[i * K + k] as number);
        for (let j = 0; j < f.idx.length; j++) {
          const at = (f.idx[j] as number) * K + k;
          weights[at] = (weights[at] as number) * (1 - lr * l2) - lr * g * (f.val[j] as number);
        }
      }
    }
  }
}

function dot(f: ScorerFeatures, weights: Float64Array, K: number, k: number): number {
  let z = 0;
  for (let i = 0; i < f.idx.length; i++) z += (f.val[i] as number) * (weights[(f.idx[i] as number) * K + k] as number);
  return z;
}

/** Predicted cost (USD) of each model for one request (K values). */
export function predictCost(fit: FittedCost, f: ScorerFeatures, tokens: number, out: Float64Array): Float64Array {
  const K = fit.bias.length;
  const t = Math.log1p(Math.max(0, tokens));
  for (let k = 0; k < K; k++) out[k] = (fit.bias[k] as number) + (fit.slope[k] as number) * t;
  addWeighted(out, f, fit.weights, K);
  for (let k = 0; k < K; k++) out[k] = predictedCost(out[k] as number);
  return out;
}

/** Fisher–Yates in place with the seeded generator (the scorer's fits use it too). */
export function shuffle(xs: number[], rng: Rng): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = xs[i] as number;
    xs[i] = xs[j] as number;
    xs[j] = t;
  }
}

/** The average of several fits (one log-linear model: the committee's, as for quality). */
export function averageCost(fits: readonly FittedCost[]): FittedCost {
  const first = fits[0] as FittedCost;
  const avg = (pick: (f: FittedCost) => Float64Array) => {
    const out = new Float64Array(pick(first).length);
    for (const f of fits) pick(f).forEach((x, i) => (out[i] = (out[i] as number) + x / fits.length));
    return out;
  };
  return {
    bias: avg((f) => f.bias),
    slope: avg((f) => f.slope),
    weights: avg((f) => f.weights),
  };
}

/** Model k's cost model as the policy stores it (weights rounded; zero buckets left out). */
export function costModelSpec(fit: FittedCost, k: number): ScorerCostModel {
  const K = fit.bias.length;
  const round = (x: number) => Math.round(x * 1e5) / 1e5;
  const weights: Array<[number, number]> = [];
  for (let b = 0; b < fit.weights.length / K; b++) {
    const w = round(fit.weights[b * K + k] as number);
    if (w !== 0) weights.push([b, w]);
  }
  return {
    bias: round(fit.bias[k] as number),
    per_log_token: round(fit.slope[k] as number),
    weights,
  };
}
