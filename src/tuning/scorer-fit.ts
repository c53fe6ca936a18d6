import type { Rng } from '../domain/rng.js';
import type { Scorer } from '../domain/scorer-spec.js';
import { predictedQuality } from '../policy/compiled-scorer.js';
import { addWeighted, type ScorerFeatures } from '../policy/text-features.js';
import { averageCost, costModelSpec, fitCost, shuffle, type FittedCost } from './cost-fit.js';

/**
 * Training of the learned scorer (domain/scorer-spec.ts): per model, a logistic regression of the
 * answer's quality on the hashed n-grams of the request text, by seeded SGD; then the price of
 * quality λ picked by cross-validated (out-of-fold) predictions under the one cost ceiling.
 * Pure: rows, features and outcomes in, weights out; the rng is passed in.
 */

/** Buckets per model: small enough to store in a policy, large enough for a few thousand words. */
export const SCORER_DIM = 1 << 12;
const EPOCHS = 30;
/** Work cap per fit (row updates, and rows used): large runs keep propose within its time budget. */
const MAX_UPDATES = 60_000;
const MAX_ROWS = 4_000;
/** Train cases the cross-validated choice of λ and the comparison with the rules look at, at most. */
export const MAX_CV_ROWS = 4_000;
const LEARNING_RATE = 0.5;
/** L2 penalties cross-validated (a few hundred cases and thousands of buckets overfit easily). */
export const L2_GRID = [1e-4, 1e-3, 1e-2, 3e-2] as const;
/** Above this many train cases only the weakest penalty is tried (plenty of data; bounded time). */
export const L2_GRID_MAX_ROWS = 5_000;
/** Prices tried for λ (geometric): fine enough that the chosen cost lands near the ceiling. */
const GRID = 200;

export interface ScorerData {
  /** A table row's features (policy/text-features.ts); computed on first use. */
  featuresOf(row: number): ScorerFeatures;
  /** Buckets of the features. */
  dim: number;
  /** A table row's input tokens (the cost model reads their log). */
  tokensOf(row: number): number;
  quality: Float64Array;
  cost: Float64Array;
  /** Models in the outcome table (row-major stride). */
  width: number;
  /** Table indices of the models the scorer may choose. */
  models: readonly number[];
}

export interface FittedScorer {
  bias: Float64Array;
  /** Bucket-major: weights[bucket * K + k]. */
  weights: Float64Array;
  /** Mean cost per model on the fitting rows. */
  cost: Float64Array;
  /** Per-request cost prediction (cost-fit.ts), or null: price by the mean cost. */
  costModel: FittedCost | null;
}

export function fitScorer(data: ScorerData, rows: readonly number[], rng: Rng, l2: number): FittedScorer {
  const K = data.models.length;
  const bias = new Float64Array(K);
  const weights = new Float64Array(SCORER_DIM * K);
  const cost = new Float64Array(K);
  for (const r of rows)
    data.models.forEach((m, k) => (cost[k] = (cost[k] as number) + (data.cost[r * data.width + m] as number) / rows.length));
  // Start at each model's mean quality, so the text only has to explain the difference.
  data.models.forEach((m, k) => {
    let q = 0;
    for (const r of rows) q += clamp(data.quality[r * data.width + m] as number);
    const p = Math.min(0.99, Math.max(0.01, q / Math.max(1, rows.length)));
    bias[k] = Math.log(p / (1 - p));
  });
  const order = [...rows];
  if (order.length > MAX_ROWS) {
    shuffle(order, rng);
    order.length = MAX_ROWS;
  }
  const epochs = Math.max(2, Math.min(EPOCHS, Math.floor(MAX_UPDATES / Math.max(1, order.length))));
  const z = new Float64Array(K);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, rng);
    const lr = LEARNING_RATE / Math.sqrt(1 + epoch);
    for (const r of order) {
      const { idx, val } = data.featuresOf(r);
      z.set(bias);
      for (let i = 0; i < idx.length; i++) {
        const at = (idx[i] as number) * K;
        const x = val[i] as number;
        for (let k = 0; k < K; k++) z[k] = (z[k] as number) + x * (weights[at + k] as number);
      }
      for (let k = 0; k < K; k++) {
        const y = clamp(data.quality[r * data.width + (data.models[k] as number)] as number);
        const g = predictedQuality(z[k] as number) - y;
        bias[k] = (bias[k] as number) - lr * g;
        for (let i = 0; i < idx.length; i++) {
          const at = (idx[i] as number) * K + k;
          weights[at] = (weights[at] as number) * (1 - lr * l2) - lr * g * (val[i] as number);
        }
      }
    }
  }
  return { bias, weights, cost, costModel: null };
}

/**
 * The scorer as the policy stores it: the average of `folds` fits, each leaving one fold of the rows
 * out (a linear model's average is one linear model). The price is chosen on out-of-fold
 * predictions of models fitted on 4/5 of the train cases; a committee of such models predicts
 * unseen requests as they did, so that price carries over, which it does not to one fit on all rows.
 */
export function fitScorerCommittee(
  data: ScorerData,
  rows: readonly number[],
  rng: Rng,
  l2: number,
  withCost: boolean,
  folds = 5,
): FittedScorer {
  const order = [...rows];
  shuffle(order, rng.fork('committee-folds'));
  const all = meanCost(data, rows);
  const K = data.models.length;
  const bias = new Float64Array(K);
  const weights = new Float64Array(SCORER_DIM * K);
  const parts = Math.max(1, Math.min(folds, order.length));
  const costs: FittedCost[] = [];
  for (let f = 0; f < parts; f++) {
    const part = order.filter((_, i) => parts === 1 || i % parts !== f);
    const fit = fitScorer(data, part, rng.fork(`committee:${f}`), l2);
    if (withCost) costs.push(fitCost(data, part, rng.fork(`committee-cost:${f}`)));
    for (let k = 0; k < K; k++) bias[k] = (bias[k] as number) + (fit.bias[k] as number) / parts;
    for (let i = 0; i < weights.length; i++) weights[i] = (weights[i] as number) + (fit.weights[i] as number) / parts;
  }
  return { bias, weights, cost: all, costModel: costs.length ? averageCost(costs) : null };
}

export function meanCost(data: ScorerData, rows: readonly number[]): Float64Array {
  const cost = new Float64Array(data.models.length);
  for (const r of rows)
    data.models.forEach((m, k) => (cost[k] = (cost[k] as number) + (data.cost[r * data.width + m] as number) / rows.length));
  return cost;
}

/** Predicted quality of each allowed model for one row (K values). */
export function predictRow(fit: FittedScorer, f: ScorerFeatures, out: Float64Array): Float64Array {
  const K = fit.bias.length;
  out.set(fit.bias);
  addWeighted(out, f, fit.weights, K);
  for (let k = 0; k < K; k++) out[k] = predictedQuality(out[k] as number);
  return out;
}

/** The model a price λ chooses for one row's predictions (ties: the first). */
export function chooseAt(pred: Float64Array, cost: Float64Array, lambda: number): number {
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < pred.length; k++) {
    const v = (pred[k] as number) - lambda * (cost[k] as number);
    if (v > bestValue) {
      bestValue = v;
      best = k;
    }
  }
  return best;
}

export interface LambdaChoice {
  lambda: number;
  /** The boundary mix: with probability `weight`, the choice at this second price (null: one price). */
  mix: { lambda: number; weight: number } | null;
  /** Out-of-fold expected mean quality and cost per request (the mix's expectation). */
  quality: number;
  cost: number;
  /** Per row (in the order given): expected realised quality and cost of the choice. */
  perRow: { q: Float64Array; c: Float64Array };
}

/**
 * λ by out-of-fold predictions: the best expected quality at most `maxCost`, over single prices and
 * mixes of two prices, one under and one over the ceiling, weighted so the expected cost is on it
 * (the upper hull of the price curve at the ceiling: one price alone leaves budget unspent, and
 * under a ceiling that is lost quality). The cheapest price when none is under.
 */
export function chooseLambda(
  data: ScorerData,
  rows: readonly number[],
  preds: readonly Float64Array[],
  costs: readonly Float64Array[],
  maxCost: number,
): LambdaChoice {
  let top = 0;
  let low = Number.POSITIVE_INFINITY;
  for (const c of costs)
    for (const x of c)
      if (x > 0) {
        top = Math.max(top, x);
        low = Math.min(low, x);
      }
  const grid = [0];
  if (top > 0) {
    // Prices from where cost barely matters to where only cost matters, geometrically spaced.
    const from = Math.log(1e-3 / top);
    const to = Math.log(10 / low);
    for (let i = 0; i <= GRID; i++) grid.push(Math.exp(from + ((to - from) * i) / GRID));
  }
  const n = Math.max(1, rows.length);
  const points = grid.map((lambda) => {
    const q = new Float64Array(rows.length);
    const c = new Float64Array(rows.length);
    let sq = 0;
    let sc = 0;
    rows.forEach((r, i) => {
      const k = chooseAt(preds[i] as Float64Array, costs[i] as Float64Array, lambda);
      const m = data.models[k] as number;
      q[i] = data.quality[r * data.width + m] as number;
      c[i] = data.cost[r * data.width + m] as number;
      sq += q[i] as number;
      sc += c[i] as number;
    });
    return { lambda, quality: sq / n, cost: sc / n, perRow: { q, c } };
  });
  const within = (x: number) => x <= maxCost * (1 + 1e-9);
  let cheapest = points[0] as (typeof points)[number];
  for (const p of points) if (p.cost < cheapest.cost) cheapest = p;
  let best: { under: (typeof points)[number]; over: (typeof points)[number] | null; weight: number; quality: number } | null = null;
  for (const u of points) {
    if (!within(u.cost)) continue;
    if (!best || u.quality > best.quality + 1e-12) best = { under: u, over: null, weight: 0, quality: u.quality };
    for (const o of points) {
      if (within(o.cost) || o.quality <= u.quality) continue;
      const weight = (maxCost - u.cost) / (o.cost - u.cost);
      const quality = u.quality + weight * (o.quality - u.quality);
      if (quality > best.quality + 1e-12) best = { under: u, over: o, weight, quality };
    }
  }
  if (!best) return { ...cheapest, mix: null };
  const { under, over, weight } = best;
  if (!over) return { ...under, mix: null };
  const mixRows = (a: Float64Array, b: Float64Array) => a.map((x, i) => (1 - weight) * x + weight * (b[i] as number));
  return {
    lambda: under.lambda,
    mix: { lambda: over.lambda, weight },
    quality: best.quality,
    cost: (1 - weight) * under.cost + weight * over.cost,
    perRow: { q: mixRows(under.perRow.q, over.perRow.q), c: mixRows(under.perRow.c, over.perRow.c) },
  };
}

/** The fitted scorer as a policy block (weights rounded; buckets with no weight left out). */
export function scorerSpec(
  fit: FittedScorer,
  modelNames: readonly string[],
  lambda: number,
  fields: readonly string[],
  mix: { lambda: number; weight: number } | null = null,
): Scorer {
  const K = fit.bias.length;
  const round = (x: number) => Math.round(x * 1e5) / 1e5;
  return {
    kind: 'hashed_ngrams',
    dim: SCORER_DIM,
    lambda,
    ...(mix && mix.weight > 0 ? { mix: { lambda: mix.lambda, weight: mix.weight } } : {}),
    ...(fields.length ? { fields: [...fields] } : {}),
    models: modelNames.map((model_name, k) => {
      const weights: Array<[number, number]> = [];
      for (let b = 0; b < SCORER_DIM; b++) {
        const w = round(fit.weights[b * K + k] as number);
        if (w !== 0) weights.push([b, w]);
      }
      const cost_model = fit.costModel ? { cost_model: costModelSpec(fit.costModel, k) } : {};
      return { model_name, cost: fit.cost[k] as number, bias: round(fit.bias[k] as number), weights, ...cost_model };
    }),
  };
}

function clamp(q: number): number {
  return Number.isFinite(q) ? Math.min(1, Math.max(0, q)) : 0;
}
