import { and, eq, isNull, sql } from 'drizzle-orm';
import { PolicySpec } from '../../domain/policy-spec.js';
import type { Db } from '../db.js';
import { models } from '../schema/catalog.js';
import { gatewayKeys } from '../schema/gateway.js';
import { policies, policyVersions } from '../schema/policy.js';

export interface ActivePolicy {
  name: string;
  versionId: number;
  version: number;
  spec: PolicySpec;
}

/** The active version of every policy that is not removed: what the gateway serves. */
export async function listActivePolicies(db: Db): Promise<ActivePolicy[]> {
  const rows = await db
    .select({ name: policies.name, versionId: policyVersions.id, version: policyVersions.version, spec: policyVersions.spec })
    .from(policyVersions)
    .innerJoin(policies, eq(policies.id, policyVersions.policyId))
    .where(and(isNull(policies.removedAt), eq(policyVersions.isActive, true)));
  return rows.map((r) => ({ ...r, spec: PolicySpec.parse(r.spec) }));
}

/**
 * One short string that changes whenever a promote, rollback, add or remove changes an active
 * version, the catalog changes, or a gateway key is created or revoked: one cheap query that a
 * gateway polls to know when to reload.
 */
export async function servingFingerprint(db: Db): Promise<string> {
  const [row] = rowsOf<{ f: string }>(
    await db.execute(sql`
    select coalesce((select string_agg(v.id::text, ',' order by v.id)
                       from ${policyVersions} v join ${policies} p on p.id = v.policy_id
                      where v.is_active and p.removed_at is null), '')
      || '|' || coalesce((select max(${models.updatedAt})::text || count(*)::text from ${models}), '')
      || '|' || (select count(*)::text || ':' || count(${gatewayKeys.revokedAt})::text from ${gatewayKeys}) as f`),
  );
  return row?.f ?? '';
}

function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}
