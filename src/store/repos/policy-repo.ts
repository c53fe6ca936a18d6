import { and, asc, count, eq, isNull, max, sql } from 'drizzle-orm';
import { ConflictError, InputError, NotFoundError } from '../../domain/errors.js';
import { PolicySpec } from '../../domain/policy-spec.js';
import type { Db } from '../db.js';
import { policies, policyVersions } from '../schema/policy.js';
import { confusableMessage, confusableWith, hiddenCharacterProblem, normaliseName } from '../../domain/names.js';

/**
 * The policy registry: versions are immutable, exactly one is active. Every add or import creates a
 * new version, even when the spec equals the active one — each is an auditable event, as the
 * watsonx "update by adding again" reads. Writes to one policy are serialised by locking its
 * `policies` row; the partial unique index keeps one active version whatever slips past.
 */

/** A transaction handle has the same query surface as the database. */
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type VersionOrigin = 'add' | 'import' | 'promote' | 'rollback';

export interface PolicyVersion {
  policyId: number;
  versionId: number;
  name: string;
  version: number;
  spec: PolicySpec;
  sourceFormat: string;
  origin: string;
  isActive: boolean;
  createdBy: string | null;
  createdAt: Date;
}

export interface PolicySummary {
  policyId: number;
  name: string;
  activeVersion: number | null;
  versions: number;
  mode: string | null;
  description: string | null;
}

export interface AddVersionOptions {
  sourceFormat: string;
  origin: VersionOrigin;
  createdBy?: string;
  /** Make the new version the active one (default true). */
  activate?: boolean;
}

const versionColumns = {
  policyId: policyVersions.policyId,
  versionId: policyVersions.id,
  name: policies.name,
  version: policyVersions.version,
  spec: policyVersions.spec,
  sourceFormat: policyVersions.sourceFormat,
  origin: policyVersions.origin,
  isActive: policyVersions.isActive,
  createdBy: policyVersions.createdBy,
  createdAt: policyVersions.createdAt,
};

export async function addPolicyVersion(
  db: DbOrTx,
  given: PolicySpec,
  opts: AddVersionOptions,
): Promise<{ policyId: number; versionId: number; version: number }> {
  // Names are NFC on the way in; one with hidden characters, or looking like another, is refused.
  const spec = { ...given, name: normaliseName(given.name) };
  const hidden = hiddenCharacterProblem(spec.name);
  if (hidden) throw new InputError(`policy ${hidden}`, [{ field: 'name', message: hidden }]);
  return db.transaction(async (tx) => {
    const names = (await tx.select({ name: policies.name }).from(policies)).map((r) => r.name);
    const other = confusableWith(spec.name, names);
    if (other !== undefined)
      throw new InputError(confusableMessage('policy', spec.name, other), [
        { field: 'name', message: 'confusable with an existing policy' },
      ]);
    // Re-adding a removed name revives it; its earlier versions stay in the history.
    const [policy] = await tx
      .insert(policies)
      .values({ name: spec.name })
      .onConflictDoUpdate({ target: policies.name, set: { removedAt: null } })
      .returning({ id: policies.id });
    const policyId = (policy as { id: number }).id;
    await lockPolicy(tx, policyId);
    const [last] = await tx
      .select({ v: max(policyVersions.version) })
      .from(policyVersions)
      .where(eq(policyVersions.policyId, policyId));
    const version = (last?.v ?? 0) + 1;
    const [row] = await tx
      .insert(policyVersions)
      .values({
        policyId,
        version,
        spec,
        sourceFormat: opts.sourceFormat,
        origin: opts.origin,
        createdBy: opts.createdBy ?? null,
        isActive: false,
      })
      .returning({ id: policyVersions.id });
    const versionId = (row as { id: number }).id;
    if (opts.activate !== false) await switchActive(tx, policyId, versionId);
    return { policyId, versionId, version };
  });
}

/**
 * Make `versionId` the active version of `policyId`, atomically. With `expectedActiveVersionId`,
 * this is a compare-and-set: if another writer changed the active version first, nothing changes
 * and a ConflictError says which version is active now. Works inside a caller's transaction.
 */
export async function activateVersion(db: DbOrTx, policyId: number, versionId: number, expectedActiveVersionId?: number): Promise<void> {
  await db.transaction(async (tx) => {
    await lockPolicy(tx, policyId);
    const [target] = await tx
      .select({ id: policyVersions.id })
      .from(policyVersions)
      .where(and(eq(policyVersions.id, versionId), eq(policyVersions.policyId, policyId)));
    if (!target) throw new NotFoundError('policy version', String(versionId), `not a version of policy ${policyId}`);
    if (expectedActiveVersionId !== undefined) {
      const [current] = await tx
        .select({ id: policyVersions.id, version: policyVersions.version })
        .from(policyVersions)
        .where(and(eq(policyVersions.policyId, policyId), eq(policyVersions.isActive, true)));
      if (current?.id !== expectedActiveVersionId) {
        throw new ConflictError(
          `stale: the active version changed (expected version id ${expectedActiveVersionId}, now ${current ? `version ${current.version} (id ${current.id})` : 'none'})`,
        );
      }
    }
    await switchActive(tx, policyId, versionId);
  });
}

async function lockPolicy(tx: Tx, policyId: number): Promise<void> {
  const [locked] = await tx.select({ id: policies.id }).from(policies).where(eq(policies.id, policyId)).for('update');
  if (!locked) throw new NotFoundError('policy', String(policyId));
}

async function switchActive(tx: Tx, policyId: number, versionId: number): Promise<void> {
  await tx
    .update(policyVersions)
    .set({ isActive: false })
    .where(and(eq(policyVersions.policyId, policyId), eq(policyVersions.isActive, true)));
  await tx.update(policyVersions).set({ isActive: true }).where(eq(policyVersions.id, versionId));
}

export async function getActiveVersion(db: DbOrTx, given: string): Promise<PolicyVersion | undefined> {
  const name = normaliseName(given);
  const [row] = await db
    .select(versionColumns)
    .from(policyVersions)
    .innerJoin(policies, eq(policies.id, policyVersions.policyId))
    .where(and(eq(policies.name, name), isNull(policies.removedAt), eq(policyVersions.isActive, true)));
  return row && canonical(row);
}

export async function getPolicyVersion(db: DbOrTx, given: string, version: number): Promise<PolicyVersion | undefined> {
  const name = normaliseName(given);
  const [row] = await db
    .select(versionColumns)
    .from(policyVersions)
    .innerJoin(policies, eq(policies.id, policyVersions.policyId))
    .where(and(eq(policies.name, name), isNull(policies.removedAt), eq(policyVersions.version, version)));
  return row && canonical(row);
}

/** Every version, oldest first. Empty when the policy does not exist or was removed. */
export async function policyHistory(db: DbOrTx, given: string): Promise<PolicyVersion[]> {
  const name = normaliseName(given);
  const rows = await db
    .select(versionColumns)
    .from(policyVersions)
    .innerJoin(policies, eq(policies.id, policyVersions.policyId))
    // A removed policy's versions are kept for history (`policy remove` says so): listed too.
    .where(eq(policies.name, name))
    .orderBy(asc(policyVersions.version));
  return rows.map(canonical);
}

/** jsonb stores keys in its own order; the schema restores the document order users wrote. */
function canonical(row: PolicyVersion): PolicyVersion {
  return { ...row, spec: PolicySpec.parse(row.spec) };
}

export async function listPolicies(db: DbOrTx): Promise<PolicySummary[]> {
  const counts = db
    .select({ policyId: policyVersions.policyId, n: count().as('n') })
    .from(policyVersions)
    .groupBy(policyVersions.policyId)
    .as('counts');
  const rows = await db
    .select({
      policyId: policies.id,
      name: policies.name,
      versions: counts.n,
      activeVersion: policyVersions.version,
      spec: policyVersions.spec,
    })
    .from(policies)
    .innerJoin(counts, eq(counts.policyId, policies.id))
    .leftJoin(policyVersions, and(eq(policyVersions.policyId, policies.id), eq(policyVersions.isActive, true)))
    .where(isNull(policies.removedAt))
    .orderBy(asc(policies.name));
  return rows.map((r) => ({
    policyId: r.policyId,
    name: r.name,
    versions: Number(r.versions),
    activeVersion: r.activeVersion ?? null,
    mode: r.spec?.policy.strategy.mode ?? null,
    description: r.spec?.description ?? null,
  }));
}

/**
 * Remove a policy from the registry: it no longer lists, shows or routes. Its versions stay, since
 * past runs and promotions refer to them; adding the name again continues its version numbers.
 */
export async function removePolicy(db: DbOrTx, given: string, at?: Date): Promise<void> {
  const name = normaliseName(given);
  const removed = await db
    .update(policies)
    .set({ removedAt: at ?? sql`now()` })
    .where(and(eq(policies.name, name), isNull(policies.removedAt)))
    .returning({ id: policies.id });
  if (removed.length === 0) throw new NotFoundError('policy', name, 'see `routelab policy list`');
}
