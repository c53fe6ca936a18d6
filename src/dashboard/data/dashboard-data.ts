import type { PolicySpec } from '../../domain/policy-spec.js';
import type { ProposalOptions, SplitMetrics } from '../../domain/proposal.js';
import type { PromotionRecord } from '../../store/repos/promotion-repo.js';

/**
 * Plain data the dashboard's loaders read from the store. View models are built from these by pure
 * functions (src/dashboard/view); nothing here is formatted or sanitized yet.
 */

export interface ProposalRef {
  id: string;
  status: string;
}

export interface RunRow {
  runId: string;
  createdAt: Date;
  finishedAt: Date | null;
  policyName: string;
  status: string;
  sourceKind: string;
  sourceName: string;
  /** Share of (variant, case) results that are not recorded failures; null until aggregated. */
  coverage: number | null;
  costUsd: number;
  pairs: number;
  /** (case, model) outcomes stored so far: the live progress of a running run. */
  outcomesDone: number;
  /** The run's most relevant proposal (pending first, then approved, then the newest). */
  proposal: ProposalRef | null;
  /** Nightly steps that failed (detect, propose, report, notify …); absent or empty when none did. */
  failedSteps?: string[];
}

export interface RunsData {
  runs: RunRow[];
}

export interface CaseRow {
  caseId: string;
  split: string;
  segment: string | null;
}

export interface OutcomeRow {
  caseId: string;
  model: string;
  score: number | null;
  pass: boolean | null;
  costUsd: number | null;
  latencyMs: number | null;
  status: number;
}

export interface VariantRow {
  idx: number;
  name: string;
  version: number | null;
  isBaseline: boolean;
}

export interface VariantResultRow {
  variantIdx: number;
  caseId: string;
  quality: number | null;
  costUsd: number | null;
  latencyMs: number | null;
  pError: number | null;
  failure: string | null;
}

export interface RunDetailData {
  run: RunRow & { seed: string; error: string | null; notes: string[] };
  /** The metadata field the scoreboard is segmented by, if any. */
  segmentBy: string | null;
  cases: CaseRow[];
  outcomes: OutcomeRow[];
  variants: VariantRow[];
  results: VariantResultRow[];
  proposals: ProposalRef[];
}

export interface ProposalData {
  id: string;
  runId: string;
  policyName: string;
  status: string;
  baseVersion: number;
  /** The policy's active version now: differs from baseVersion when the proposal is stale. */
  activeVersion: number | null;
  baseSpec: PolicySpec;
  spec: PolicySpec;
  options: ProposalOptions;
  train: SplitMetrics;
  holdout: SplitMetrics;
  baseline: SplitMetrics;
  holdoutDiff: { mean: number; ci: [number, number]; p_value: number };
  rationale: string[];
  decidedBy: string | null;
  decidedAt: Date | null;
  comment: string | null;
  promotedVersion: number | null;
  /** The metadata field rules segment by, and how the run's cases split over it. */
  segmentBy: string | null;
  segmentCounts: Record<string, number>;
}

export interface PolicyRow {
  name: string;
  activeVersion: number | null;
  versions: number;
}

/** One promotion or rollback as the Promotions screen lists it. */
export type PromotionRow = Omit<PromotionRecord, 'policyId'>;

export interface PromotionsData {
  policies: PolicyRow[];
  history: PromotionRow[];
}
