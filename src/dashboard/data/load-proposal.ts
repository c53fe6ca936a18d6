import { and, eq, sql } from 'drizzle-orm';
import { dataRecord } from '../../domain/data-record.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Db } from '../../store/db.js';
import { policies, policyVersions } from '../../store/schema/policy.js';
import { proposals } from '../../store/schema/proposals.js';
import { runCases } from '../../store/schema/runs.js';
import type { ProposalData } from './dashboard-data.js';

export async function loadProposal(db: Db, proposalId: string): Promise<ProposalData> {
  const [p] = await db.select().from(proposals).where(eq(proposals.id, proposalId));
  if (!p) throw new NotFoundError('proposal', proposalId);
  const [policy] = await db.select({ name: policies.name }).from(policies).where(eq(policies.id, p.policyId));
  const [base] = await db
    .select({ version: policyVersions.version, spec: policyVersions.spec })
    .from(policyVersions)
    .where(eq(policyVersions.id, p.baseVersionId));
  const [active] = await db
    .select({ version: policyVersions.version })
    .from(policyVersions)
    .where(and(eq(policyVersions.policyId, p.policyId), eq(policyVersions.isActive, true)));
  const promoted = p.promotedVersionId
    ? (await db.select({ version: policyVersions.version }).from(policyVersions).where(eq(policyVersions.id, p.promotedVersionId)))[0]
    : undefined;
  const segmentBy = p.options.segment_by?.replace(/^metadata\./, '') ?? null;
  const segmentCounts = dataRecord<number>();
  if (segmentBy) {
    const rows = await db
      .select({ value: sql<string | null>`${runCases.metadata} ->> ${segmentBy}`, n: sql<number>`count(*)::int` })
      .from(runCases)
      .where(eq(runCases.runId, p.runId))
      .groupBy(sql`1`);
    for (const r of rows) if (r.value !== null) segmentCounts[r.value] = Number(r.n);
  }
  return {
    segmentBy,
    segmentCounts,
    id: p.id,
    runId: p.runId,
    policyName: policy?.name ?? String(p.policyId),
    status: p.status,
    baseVersion: base?.version ?? 0,
    activeVersion: active?.version ?? null,
    baseSpec: base?.spec ?? p.spec,
    spec: p.spec,
    options: p.options,
    train: p.train,
    holdout: p.holdout,
    baseline: p.baseline,
    holdoutDiff: p.holdoutDiff,
    rationale: p.rationale,
    decidedBy: p.decidedBy,
    decidedAt: p.decidedAt,
    comment: p.comment,
    promotedVersion: promoted?.version ?? null,
  };
}
