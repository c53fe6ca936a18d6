import type { PromotionsData, ProposalData, RunDetailData, RunsData } from './dashboard-data.js';

/** Where the dashboard's data comes from: the store in production, the same loaders in tests. */
export interface DashboardSource {
  loadRuns(): Promise<RunsData>;
  loadRun(runId: string): Promise<RunDetailData>;
  loadProposal(proposalId: string): Promise<ProposalData>;
  loadPromotions(): Promise<PromotionsData>;
}

/**
 * What the review keys do. Bound by the CLI (the composition root) to the same functions as the
 * `approve` / `reject` / `promote` / `rollback` commands; each resolves with a line for the status
 * bar and rejects with the reason (e.g. "stale: version 3 is active now").
 */
export interface DashboardActions {
  approve(proposalId: string, comment: string): Promise<string>;
  reject(proposalId: string, comment: string): Promise<string>;
  promote(proposalId: string): Promise<string>;
  rollback(policyName: string): Promise<string>;
}
