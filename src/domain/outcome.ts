import { z } from 'zod';
import { DataRecordSchema } from './data-record.js';

/** `refresh`: a provider call re-asking a pair that was in the cache (a seeded share each nightly). */
export const OutcomeSource = z.enum(['call', 'cache', 'refresh', 'recorded']);
export type OutcomeSource = z.infer<typeof OutcomeSource>;

/**
 * What one model did on one case: fetched once per run (provider call, cache hit or recorded) and
 * shared by every variant. `status` is HTTP-style: 200 ok, 429/5xx errors, 408 timeout, 0 unknown.
 */
export const Outcome = z.object({
  case_id: z.string(),
  model: z.string(),
  /** The model that actually answered (a provider-side alias/fallback must never hide a swap). */
  answered_by: z.string().nullable(),
  status: z.number().int(),
  output: z.string().nullable(),
  /** Quality in [0, 1]; null when the call failed (quality counts as 0 for routing). */
  score: z.number().min(0).max(1).nullable(),
  pass: z.boolean().nullable(),
  reason: z.string().nullable(),
  cost_usd: z.number().nullable(),
  latency_ms: z.number().nullable(),
  input_tokens: z.number().nullable(),
  output_tokens: z.number().nullable(),
  source: OutcomeSource,
});
export type Outcome = z.infer<typeof Outcome>;

/** A generic recorded-outcomes JSONL line (DESIGN.md §2). */
export const RecordedOutcomeLine = z.object({
  case_id: z.union([z.string(), z.number()]).transform(String),
  model: z.string().min(1),
  input: z.unknown().optional(),
  output: z.string().nullable().optional(),
  score: z.number().min(0).max(1).nullable(),
  cost_usd: z.number().min(0).nullable().optional(),
  latency_ms: z.number().min(0).nullable().optional(),
  status: z.number().int().nullable().optional(),
  metadata: DataRecordSchema(z.unknown()).optional(),
});
export type RecordedOutcomeLine = z.infer<typeof RecordedOutcomeLine>;
