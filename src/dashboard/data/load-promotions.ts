import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { listPromotions } from '../../store/repos/review-repo.js';
import { policies, policyVersions } from '../../store/schema/policy.js';
import type { PromotionsData } from './dashboard-data.js';

export async function loadPromotions(db: Db): Promise<PromotionsData> {
  const rows = await db
    .select({
      name: policies.name,
      activeVersion: sql<number | null>`max(case when ${policyVersions.isActive} then ${policyVersions.version} end)::int`,
      versions: sql<number>`count(${policyVersions.id})::int`,
    })
    .from(policies)
    .leftJoin(policyVersions, eq(policyVersions.policyId, policies.id))
    .where(sql`${policies.removedAt} is null`)
    .groupBy(policies.id, policies.name)
    .orderBy(asc(policies.name));
  const history = await listPromotions(db);
  return {
    policies: rows.map((r) => ({ name: r.name, activeVersion: r.activeVersion === null ? null : Number(r.activeVersion), versions: Number(r.versions) })),
    history: history.map((h) => ({
      id: h.id,
      policyName: h.policyName,
      kind: h.kind,
      fromVersion: h.fromVersion,
      toVersion: h.toVersion,
      proposalId: h.proposalId,
      actor: h.actor,
      comment: h.comment,
      exports: h.exports,
      createdAt: h.createdAt,
    })),
  };
}
