import type { Outcome } from '../domain/outcome.js';
import type { PolicySpec } from '../domain/policy-spec.js';
import type { ConstraintReport, LearnerReport, ProposalOptions, RuleReport, SegmentDecision, SplitMetrics } from '../domain/proposal.js';
import type { RunCase, VariantCaseResult } from '../domain/run.js';
import type { Mix } from './hull-walk.js';

export interface ProposeInput {
  runId: string;
  seed: string;
  /** Sample rate of the run (budgets are simulated at 1/rate). */
  rate: number;
  baseline: { name: string; version: number | null; spec: PolicySpec; results: readonly VariantCaseResult[] };
  cases: readonly RunCase[];
  outcomes: readonly Outcome[];
  options: ProposalOptions;
}

export interface ProposalDraft {
  status: 'pending' | 'no_change';
  /** Why no change is recommended (null when pending). */
  reason: string | null;
  /** True only when the holdout evidence supports it (Holm-corrected, or non-inferior and cheaper). */
  recommended: boolean;
  /** Refitted on all the run's cases (train + holdout) with the rules checked on the holdout. */
  policy: PolicySpec;
  train: SplitMetrics;
  holdout: SplitMetrics;
  baseline: SplitMetrics;
  holdout_diff: { mean: number; ci: [number, number]; p_value: number };
  /** Paired baseline − proposal cost per request on the holdout (positive: the proposal is cheaper). */
  cost_diff: { mean: number; ci: [number, number]; p_value: number };
  /** Holm-adjusted p-values of the quality and cost comparisons. */
  holm: { quality: number; cost: number };
  margin: number;
  constraint: ConstraintReport;
  learner: LearnerReport;
  rules: RuleReport[];
  rationale: string[];
  options_key: string;
  segments: SegmentDecision[];
  /** The fitted routing (train fit): group key → model shares (`default` for everything without a rule). */
  mixes: Record<string, Mix>;
  /** Cases the emitted policy's mixes were refitted on. */
  refit_cases: number;
}
