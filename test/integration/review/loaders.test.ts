import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { loadPromotions } from '../../../src/dashboard/data/load-promotions.js';
import { loadProposal } from '../../../src/dashboard/data/load-proposal.js';
import { loadRunDetail } from '../../../src/dashboard/data/load-run-detail.js';
import { loadRuns } from '../../../src/dashboard/data/load-runs.js';
import { buildRunsView } from '../../../src/dashboard/view/runs-view.js';
import { lineText } from '../../../src/dashboard/view/styled-line.js';
import { runs } from '../../../src/store/schema/runs.js';
import { approveProposal } from '../../../src/store/repos/review-repo.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';
import { POLICY, promoteProposal, seedReview } from './seed.js';

describe('dashboard loaders on PGlite', () => {
  let store: TestStore | undefined;
  const db = () => (store as TestStore).db;
  beforeEach(async () => {
    store = await openTestStore('pglite');
  });
  afterEach(async () => {
    await store?.cleanup();
    store = undefined;
  });

  it('a running run shows its live progress from the outcomes stored so far', async () => {
    const s = await seedReview(db());
    await db().update(runs).set({ status: 'running', pairs: 240, coverage: null }).where(eq(runs.id, s.runId));
    const data = await loadRuns(db());
    expect(data.runs[0]).toMatchObject({
      runId: s.runId,
      status: 'running',
      outcomesDone: 120,
      pairs: 240,
      proposal: { id: s.proposalIds[0], status: 'pending' },
    });
    expect(lineText(buildRunsView(data, 80).rows[0]!)).toContain('running ██░░ 50%');
  });

  it('run detail, proposal and promotions read what the scoreboard and review screens need', async () => {
    const s = await seedReview(db(), { proposals: 2 });
    const detail = await loadRunDetail(db(), s.runId);
    expect(detail.segmentBy).toBe('intent');
    expect(detail.outcomes).toHaveLength(120);
    expect(detail.results).toHaveLength(80);
    expect(detail.variants.map((v) => v.isBaseline)).toEqual([true, false]);
    const at = new Date('2026-11-21T10:00:00Z');
    await approveProposal(db(), s.proposalIds[0]!, { actor: 'alice', at });
    await promoteProposal(db(), s.proposalIds[0]!, { actor: 'alice', at });
    const stale = await loadProposal(db(), s.proposalIds[1]!);
    expect(stale).toMatchObject({
      baseVersion: 1,
      activeVersion: 2,
      status: 'pending',
      segmentBy: 'intent',
      segmentCounts: { billing: 20, tech: 20 },
    });
    const promoted = await loadProposal(db(), s.proposalIds[0]!);
    expect(promoted).toMatchObject({ status: 'promoted', promotedVersion: 2, decidedBy: 'alice' });
    const promotions = await loadPromotions(db());
    expect(promotions.policies).toEqual([{ name: POLICY, activeVersion: 2, versions: 2 }]);
    expect(promotions.history[0]).toMatchObject({ kind: 'promote', fromVersion: 1, toVersion: 2, actor: 'alice' });
  });
});
