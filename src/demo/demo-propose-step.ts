import { proposeForRun } from '../app/propose-run.js';
import type { ProposalOptions } from '../domain/proposal.js';
import type { Store } from '../store/db.js';
import type { StoredProposal } from '../store/repos/proposal-repo.js';

export type DemoProposal = Pick<
  StoredProposal,
  'proposal_id' | 'status' | 'options' | 'policy' | 'train' | 'holdout' | 'baseline' | 'holdout_diff' | 'rationale'
>;

/**
 * Propose for the demo run with the same call `routelab propose` makes: maximise quality with the
 * cost per request capped at `maxCostRatio` × the current policy's, per-intent rules where a
 * segment has the samples and the rule beats the global mix on the holdout.
 */
export async function proposeDemo(store: Store, runId: string, maxCostRatio: number): Promise<DemoProposal> {
  const options: ProposalOptions = { max_cost_ratio: maxCostRatio, segment_by: 'intent' };
  const { proposal } = await proposeForRun(store.db, runId, options);
  return {
    proposal_id: proposal.proposal_id,
    status: proposal.status,
    options: proposal.options,
    policy: proposal.policy,
    train: proposal.train,
    holdout: proposal.holdout,
    baseline: proposal.baseline,
    holdout_diff: proposal.holdout_diff,
    rationale: proposal.rationale,
  };
}
