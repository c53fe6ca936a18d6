import type { Db } from '../../store/db.js';
import type { DashboardSource } from './dashboard-source.js';
import { loadPromotions } from './load-promotions.js';
import { loadProposal } from './load-proposal.js';
import { loadRunDetail } from './load-run-detail.js';
import { loadRuns } from './load-runs.js';

export function createStoreSource(db: Db): DashboardSource {
  return {
    loadRuns: () => loadRuns(db),
    loadRun: (runId) => loadRunDetail(db, runId),
    loadProposal: (id) => loadProposal(db, id),
    loadPromotions: () => loadPromotions(db),
  };
}
