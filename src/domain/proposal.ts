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
  /** With per_request: rule lists, the learned scorer, or whichever cross-validates better (default). */
  learner: z.enum(['auto', 'rules', 'scorer']).optional(),
});
export type ProposalOptions = z.infer<typeof ProposalOptions>;

const Mix = z.record(z.string(), z.number());
export const Figures = z.object({ n: z.number().int(), quality: z.number(), cost_per_1k: z.number() });
export type Figures = z.infer<typeof Figures>;

/** One rule of a proposal with what it did on train (where it was fitted) and on the holdout. */
export const RuleReport = z.object({
  name: z.string(),
  when: z.record(z.string(), z.unknown()),
  mix: Mix,
  train: Figures,
  holdout: Figures,
});
export type RuleReport = z.infer<typeof RuleReport>;

/** The constraint as asked, what the fit aimed at, and the promise the holdout bootstrap supports. */
export const ConstraintReport = z.object({
  kind: z.enum(['max_cost', 'min_quality']),
  /** As asked: USD per 1k requests (max_cost) or mean quality (min_quality). */
  bound: z.number(),
  /** What the fit aimed at: under the ceiling with `--confidence`, else the bound itself. */
  target: z.number(),
  level: z.number(),
  /** Holdout bootstrap: cost per 1k at most this (quality at least this) with `level` confidence. */
  promise: z.number(),
  holdout: z.number(),
  met: z.boolean(),
  text: z.string(),
});
export type ConstraintReport = z.infer<typeof ConstraintReport>;

export const LearnerReport = z.object({
  kind: z.enum(['global', 'segments', 'tree', 'scorer']),
  max_depth: z.number().int().nullable(),
  min_leaf: z.number().int().nullable(),
  /** Cross-validated (inside train) quality and cost per 1k of every structure tried. */
  candidates: z.array(z.object({ name: z.string(), quality: z.number(), cost_per_1k: z.number(), chosen: z.boolean() })),
});
export type LearnerReport = z.infer<typeof LearnerReport>;

export const SegmentDecision = z.object({
  key: z.string(),
  value: z.unknown(),
  train_n: z.number().int(),
  holdout_n: z.number().int(),
  /** Own rule in the proposal, or why not (decided by cross-validation inside train). */
  kept: z.boolean(),
  reason: z.string(),
  mix: Mix.nullable(),
});
export type SegmentDecision = z.infer<typeof SegmentDecision>;

/** What a proposal adds to its figures since issue 18 (null on proposals stored before). */
export const ProposalDetails = z.object({
  reason: z.string().nullable(),
  recommended: z.boolean(),
  constraint: ConstraintReport,
  learner: LearnerReport,
  rules: z.array(RuleReport),
  segments: z.array(SegmentDecision),
  cost_diff: z.object({ mean: z.number(), ci: z.tuple([z.number(), z.number()]), p_value: z.number() }),
  holm: z.object({ quality: z.number(), cost: z.number() }),
  margin: z.number(),
  refit_cases: z.number().int(),
});
export type ProposalDetails = z.infer<typeof ProposalDetails>;

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
  details: ProposalDetails.nullable(),
});
export type Proposal = z.infer<typeof Proposal>;
