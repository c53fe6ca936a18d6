import { z } from 'zod';
import { RequestInput } from './request-input.js';
import { DataRecordSchema } from './data-record.js';

export const RunStatus = z.enum(['queued', 'running', 'completed', 'failed', 'capped']);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunSourceKind = z.enum(['sample', 'golden', 'outcomes']);
export type RunSourceKind = z.infer<typeof RunSourceKind>;

export const Split = z.enum(['train', 'holdout']);
export type Split = z.infer<typeof Split>;

/** One case of a run as the evaluator sees it: ids and routing context, never raw secrets. */
export const RunCase = z.object({
  case_id: z.string(),
  split: Split,
  timestamp: z.string().nullable(),
  metadata: DataRecordSchema(z.unknown()),
  params: DataRecordSchema(z.unknown()),
  input_tokens: z.number(),
  /** Derived request fields (`input.*`), computed from the messages when the run was planned. */
  input: RequestInput.nullable().optional(),
});
export type RunCase = z.infer<typeof RunCase>;

/** One step of an attempt path. */
export const Attempt = z.object({
  model: z.string(),
  status: z.number().int(),
  /** Why this attempt happened: `drawn`, `rule:<name>`, `retry`, `fallback`, `redraw`, `round_robin`. */
  reason: z.string(),
});
export type Attempt = z.infer<typeof Attempt>;

/**
 * A variant's expected result on one case, from the exact routing distribution (or the seeded
 * sequential pass for stateful parts): expectations over attempt paths.
 */
export const VariantCaseResult = z.object({
  case_id: z.string(),
  quality: z.number(),
  cost_usd: z.number(),
  latency_ms: z.number(),
  p_error: z.number(),
  p_guardrail_block: z.number(),
  p_budget_block: z.number(),
  /** Probability that each model served the request. */
  served: DataRecordSchema(z.number()),
  /** The most likely attempt path, for display. */
  path: z.array(Attempt),
  flagged: z.boolean(),
});
export type VariantCaseResult = z.infer<typeof VariantCaseResult>;

export const VariantSummary = z.object({
  name: z.string(),
  version: z.number().int().nullable(),
  cases: z.number().int(),
  quality: z.number(),
  cost_per_1k: z.number(),
  p95_ms: z.number(),
  error_rate: z.number(),
});
export type VariantSummary = z.infer<typeof VariantSummary>;

/** How one model's pairs of a run were fetched: from the cache, by a call, or re-asked though cached. */
export const ModelCacheStats = z.object({
  model: z.string(),
  hits: z.number().int(),
  misses: z.number().int(),
  refreshes: z.number().int(),
});
export type ModelCacheStats = z.infer<typeof ModelCacheStats>;

/** `routelab run --json` (issue 4 is the contract). */
export const RunSummary = z.object({
  run_id: z.string(),
  status: RunStatus,
  pairs: z.number().int(),
  model_calls: z.number().int(),
  cache_hits: z.number().int(),
  recorded: z.number().int(),
  cost_usd: z.number(),
  variants: z.array(VariantSummary),
});
export type RunSummary = z.infer<typeof RunSummary>;
