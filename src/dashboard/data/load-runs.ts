import { desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { failedSteps } from '../../store/repos/nightly-repo.js';
import { policies } from '../../store/schema/policy.js';
import { proposals } from '../../store/schema/proposals.js';
import { runOutcomes, runs } from '../../store/schema/runs.js';
import type { ProposalRef, RunRow, RunsData } from './dashboard-data.js';

/** Which proposal of a run a reviewer cares about first. */
const PROPOSAL_RANK: Record<string, number> = { pending: 0, approved: 1, promoted: 2, rejected: 3, no_change: 4 };

export function pickProposal(refs: Array<ProposalRef & { createdAt: Date }>): ProposalRef | null {
  const sorted = [...refs].sort(
    (a, b) => (PROPOSAL_RANK[a.status] ?? 9) - (PROPOSAL_RANK[b.status] ?? 9) || b.createdAt.getTime() - a.createdAt.getTime(),
  );
  const first = sorted[0];
  return first ? { id: first.id, status: first.status } : null;
}

export async function loadRunRows(db: Db, options: { runId?: string; limit?: number } = {}): Promise<RunRow[]> {
  const rows = await db
    .select({
      runId: runs.id,
      createdAt: runs.createdAt,
      finishedAt: runs.finishedAt,
      policyName: policies.name,
      status: runs.status,
      sourceKind: runs.sourceKind,
      sourceName: runs.sourceName,
      coverage: runs.coverage,
      costUsd: runs.costUsd,
      pairs: runs.pairs,
    })
    .from(runs)
    .innerJoin(policies, eq(policies.id, runs.policyId))
    .where(options.runId ? eq(runs.id, options.runId) : undefined)
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(options.limit ?? 100);
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.runId);
  // Progress is only interesting for runs still going; finished ones show their coverage.
  const live = rows.filter((r) => r.status === 'running' || r.status === 'queued').map((r) => r.runId);
  const done = live.length
    ? await db
        .select({ runId: runOutcomes.runId, n: sql<number>`count(*)::int` })
        .from(runOutcomes)
        .where(inArray(runOutcomes.runId, live))
        .groupBy(runOutcomes.runId)
    : [];
  const doneBy = new Map(done.map((d) => [d.runId, Number(d.n)]));
  const props = await db
    .select({ runId: proposals.runId, id: proposals.id, status: proposals.status, createdAt: proposals.createdAt })
    .from(proposals)
    .where(inArray(proposals.runId, ids));
  const failed = await failedSteps(db, ids);
  return rows.map((r) => ({
    ...r,
    failedSteps: failed.get(r.runId) ?? [],
    outcomesDone: doneBy.get(r.runId) ?? (r.status === 'running' || r.status === 'queued' ? 0 : r.pairs),
    proposal: pickProposal(props.filter((p) => p.runId === r.runId)),
  }));
}

export async function loadRuns(db: Db): Promise<RunsData> {
  return { runs: await loadRunRows(db) };
}
