import { z } from 'zod';

/**
 * A learned scorer stored in a policy (`policy.scorer`): per model, a linear model over hashed word
 * uni- and bigrams of the request's last user message (`input.text`, see policy/text-features.ts)
 * (and of the listed request fields' values) predicts the quality of that model's answer; the router sends the request to the model with the
 * highest predicted quality − lambda × cost (the mean cost, or the cost predicted for this request by
 * `cost_model`) (or, with `mix`, at a second price with a stated probability). Only routelab's router evaluates it: every export format
 * refuses the `scorer` field by name.
 */
const SparseWeights = z.array(z.tuple([z.number().int().nonnegative(), z.number()]));

/**
 * A model's cost per request, predicted from the request: exp(bias + per_log_token × ln(1 +
 * input_tokens) + Σ weight × feature), over the same features as the quality. Answers' lengths
 * vary ~10× between prompts, and so does their cost.
 */
export const ScorerCostModel = z.strictObject({
  bias: z.number(),
  per_log_token: z.number(),
  weights: SparseWeights,
});
export type ScorerCostModel = z.infer<typeof ScorerCostModel>;

export const ScorerModel = z.strictObject({
  model_name: z.string().min(1),
  /** Expected cost of one request on this model, USD (mean over the fitting cases). */
  cost: z.number().nonnegative(),
  bias: z.number(),
  /** Sparse weights: [bucket, weight] with bucket < dim; buckets not listed weigh 0. */
  weights: SparseWeights,
  /** When present, the router prices a request by this prediction instead of the mean `cost`. */
  cost_model: ScorerCostModel.optional(),
});
export type ScorerModel = z.infer<typeof ScorerModel>;

export const Scorer = z.strictObject({
  kind: z.literal('hashed_ngrams'),
  /** Buckets per model (a power of two). */
  dim: z
    .number()
    .int()
    .min(2)
    .max(1 << 16),
  /** Price of quality: quality points given up per USD saved. */
  lambda: z.number().nonnegative(),
  /**
   * The boundary mix: with probability `weight` a request is routed at this second price instead
   * (drawn by the router's seeded rng, as a loadbalance target is). Two adjacent prices mixed so
   * that the expected cost lands on the ceiling, which one price alone rarely does.
   */
  mix: z.strictObject({ lambda: z.number().nonnegative(), weight: z.number().min(0).max(1) }).optional(),
  /** Request fields (e.g. `metadata.eval_name`) whose `field=value` is one more feature, of weight 1. */
  fields: z.array(z.string().min(1)).max(8).optional(),
  models: z.array(ScorerModel).min(1).max(32),
});
export type Scorer = z.infer<typeof Scorer>;
