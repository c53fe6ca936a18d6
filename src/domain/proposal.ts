import { z } from 'zod';
import { PolicySpec } from './policy-spec.js';

export const ProposalStatus = z.enum(['pending', 'approved', 'rejected', 'promoted', 'no_change']);
export type ProposalStatus = z.infer<typeof ProposalStatus>;

export const SplitMetrics = z.object({
  quality: z.number(),
  quality_ci: z.tuple([z.number(), z.number()]),
  cost_per_1k: z.number(),
  p95_ms: z.number(),
});
export type SplitMetrics = z.infer<typeof SplitMetrics>;

export const ProposalOptions = z.object({
  max_cost_ratio: z.number().positive().optional(),
  max_cost_per_1k: z.number().positive().optional(),
  max_p95_ms: z.number().positive().optional(),
  min_quality: z.number().min(0).max(1).optional(),
  segment_by: z.string().optional(),
  max_change: z.number().positive().max(1).optional(),
  /** Fewest train cases a segment needs for its own rule (`--min-segment-n`, default 30). */
  min_segment_n: z.number().int().positive().optional(),
  /** Learn per-request rules (a shallow tree over request fields and text) instead of segments only. */
  per_request: z.boolean().optional(),
  /** Fit to a cost target whose holdout bootstrap upper bound at this level stays under the ceiling. */
  confidence: z.number().gt(0).lt(1).optional(),
  /** Non-inferiority margin in quality points (0.01 = 1 point) for "as good and cheaper". */
  margin: z.number().min(0).max(1).optional(),
});
export type ProposalOptions = z.infer<typeof ProposalOptions>;

/** `routelab propose --json` (issue 5 is the contract). */
export const Proposal = z.object({
  proposal_id: z.string(),
  run_id: z.string(),
  policy_name: z.string(),
  base_version: z.number().int(),
  status: ProposalStatus,
  options: ProposalOptions,
  policy: PolicySpec,
  train: SplitMetrics,
  holdout: SplitMetrics,
  baseline: SplitMetrics,
  /** Paired difference proposal − baseline on the holdout. */
  holdout_diff: z.object({ mean: z.number(), ci: z.tuple([z.number(), z.number()]), p_value: z.number() }),
  rationale: z.array(z.string()),
});
export type Proposal = z.infer<typeof Proposal>;
