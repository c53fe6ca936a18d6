import { randomUUID } from 'node:crypto';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { ConflictError, InputError, NotFoundError } from '../../domain/errors.js';
import type { PolicySpec } from '../../domain/policy-spec.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import type { Db } from '../db.js';
import { policies, policyVersions } from '../schema/policy.js';
import { promotions, proposals } from '../schema/proposals.js';

/**
 * Review decisions and version moves: approve, reject, promote, revert a failed promotion, roll
 * back. Every write is a compare-and-set inside one transaction, so when two reviewers act at once
 * exactly one wins and the other gets a ConflictError saying what happened instead ("stale: …").
 * Promotions and rollbacks of one policy are serialised by locking its `policies` row; the partial
 * unique index on policy_versions still guarantees one active version if anything slips past.
 */

/** A transaction handle has the same query surface as the database. */
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Exec = Db | Tx;

export const PromotionKind = ['promote', 'rollback', 'revert'] as const;
export type PromotionKind = (typeof PromotionKind)[number];

export interface DecisionInput {
  actor: string;
  comment?: string | null;
  /** When the decision is made (from the CLI's clock). */
  at: Date;
}

export interface DecisionResult {
  proposalId: string;
  status: 'approved' | 'rejected';
  actor: string;
  at: Date;
  comment: string | null;
}

export interface PromotionResult {
  promotionId: string;
  proposalId: string;
  policyId: number;
  policyName: string;
  fromVersionId: number;
  fromVersion: number;
  toVersionId: number;
  toVersion: number;
  spec: PolicySpec;
}

export interface RollbackResult {
  promotionId: string;
  policyName: string;
  fromVersion: number;
  toVersion: number;
}

export interface PromotionRecord {
  id: string;
  policyId: number;
  policyName: string;
  kind: string;
  fromVersion: number | null;
  toVersion: number;
  proposalId: string | null;
  actor: string;
  comment: string | null;
  exports: string[];
  createdAt: Date;
}

async function loadProposal(db: Exec, proposalId: string) {
  const [row] = await db.select().from(proposals).where(eq(proposals.id, proposalId));
  if (!row) throw new NotFoundError('proposal', proposalId, 'see `routelab proposals list`');
  return row;
}

/** The spec a proposal would promote (to render its export before anything changes). */
export async function proposalSpec(db: Db, proposalId: string): Promise<PolicySpec> {
  return (await loadProposal(db, proposalId)).spec;
}

/** Why a compare-and-set on the proposal found it in another state. */
function staleProposal(row: { id: string; status: string; decidedBy: string | null }): ConflictError {
  // The name is whatever a reviewer typed after --as: shown on a terminal, so sanitized.
  const by = row.decidedBy ? ` by ${sanitizeInline(row.decidedBy)}` : '';
  return new ConflictError(`stale: proposal ${row.id} is ${row.status}${row.status === 'pending' ? '' : by} now`);
}

async function lockPolicy(tx: Tx, policyId: number): Promise<{ id: number; name: string; removedAt: Date | null }> {
  const [row] = await tx
    .select({ id: policies.id, name: policies.name, removedAt: policies.removedAt })
    .from(policies)
    .where(eq(policies.id, policyId))
    .for('update');
  if (!row) throw new NotFoundError('policy', String(policyId));
  return row;
}

async function activeVersion(db: Exec, policyId: number) {
  const [row] = await db
    .select()
    .from(policyVersions)
    .where(and(eq(policyVersions.policyId, policyId), eq(policyVersions.isActive, true)));
  return row;
}

async function versionNumber(db: Exec, versionId: number): Promise<number> {
  const [row] = await db.select({ version: policyVersions.version }).from(policyVersions).where(eq(policyVersions.id, versionId));
  return row?.version ?? -1;
}

/** Refuse when the version a proposal was computed against is no longer the active one. */
async function assertBaseActive(db: Exec, policyId: number, baseVersionId: number): Promise<{ id: number; version: number }> {
  const active = await activeVersion(db, policyId);
  if (!active) throw new ConflictError('stale: the policy has no active version now');
  if (active.id !== baseVersionId) {
    const base = await versionNumber(db, baseVersionId);
    throw new ConflictError(`stale: version ${active.version} is active now (the proposal was made against version ${base})`);
  }
  return { id: active.id, version: active.version };
}

async function decide(db: Db, proposalId: string, to: 'approved' | 'rejected', input: DecisionInput): Promise<DecisionResult> {
  return db.transaction(async (tx) => {
    const before = await loadProposal(tx, proposalId);
    if (before.status !== 'pending') throw staleProposal(before);
    if (to === 'approved') await assertBaseActive(tx, before.policyId, before.baseVersionId);
    const comment = input.comment ?? null;
    const updated = await tx
      .update(proposals)
      .set({ status: to, decidedBy: input.actor, decidedAt: input.at, comment })
      .where(and(eq(proposals.id, proposalId), eq(proposals.status, 'pending')))
      .returning({ id: proposals.id });
    // The compare-and-set is what decides a race: the loser's update matches no row.
    if (updated.length === 0) throw staleProposal(await loadProposal(tx, proposalId));
    return { proposalId, status: to, actor: input.actor, at: input.at, comment };
  });
}

/** pending → approved, recording who, when and why. Refused when the base version is no longer active. */
export function approveProposal(db: Db, proposalId: string, input: DecisionInput): Promise<DecisionResult> {
  return decide(db, proposalId, 'approved', input);
}

/** pending → rejected, recording who, when and why. */
export function rejectProposal(db: Db, proposalId: string, input: DecisionInput): Promise<DecisionResult> {
  return decide(db, proposalId, 'rejected', input);
}

/**
 * approved → promoted: in one transaction, the proposal's spec becomes a new active version
 * (origin `promote`) of its policy, provided the proposal is still approved and its base version is
 * still the active one. Exports and the user's import command happen after commit (they are not
 * transactional); when they fail, `revertPromotion` undoes this.
 */
export async function promoteProposal(db: Db, proposalId: string, input: { actor: string; comment?: string | null; at: Date }): Promise<PromotionResult> {
  return db.transaction(async (tx) => {
    const proposal = await loadProposal(tx, proposalId);
    if (proposal.status !== 'approved') {
      if (proposal.status === 'pending') throw new ConflictError(`proposal ${proposalId} is pending: approve it first`);
      throw staleProposal(proposal);
    }
    const policy = await lockPolicy(tx, proposal.policyId);
    if (policy.removedAt) throw new ConflictError(`policy ${policy.name} was removed`);
    const claimed = await tx
      .update(proposals)
      .set({ status: 'promoted' })
      .where(and(eq(proposals.id, proposalId), eq(proposals.status, 'approved')))
      .returning({ id: proposals.id });
    if (claimed.length === 0) throw staleProposal(await loadProposal(tx, proposalId));
    const from = await assertBaseActive(tx, proposal.policyId, proposal.baseVersionId);
    const [max] = await tx
      .select({ v: sql<number>`coalesce(max(${policyVersions.version}), 0)::int` })
      .from(policyVersions)
      .where(eq(policyVersions.policyId, proposal.policyId));
    const nextVersion = Number(max?.v ?? 0) + 1;
    // Deactivate first: the partial unique index allows one active row at any instant.
    await tx.update(policyVersions).set({ isActive: false }).where(eq(policyVersions.id, from.id));
    const [created] = await tx
      .insert(policyVersions)
      .values({
        policyId: proposal.policyId,
        version: nextVersion,
        spec: proposal.spec,
        sourceFormat: 'watsonx',
        origin: 'promote',
        isActive: true,
        createdBy: input.actor,
        createdAt: input.at,
      })
      .returning({ id: policyVersions.id });
    if (!created) throw new Error('insert of the promoted version returned no row');
    await tx.update(proposals).set({ promotedVersionId: created.id }).where(eq(proposals.id, proposalId));
    const promotionId = `promo_${randomUUID().slice(0, 8)}`;
    await tx.insert(promotions).values({
      id: promotionId,
      policyId: proposal.policyId,
      kind: 'promote',
      fromVersionId: from.id,
      toVersionId: created.id,
      proposalId,
      actor: input.actor,
      comment: input.comment ?? null,
      createdAt: input.at,
    });
    return {
      promotionId,
      proposalId,
      policyId: proposal.policyId,
      policyName: policy.name,
      fromVersionId: from.id,
      fromVersion: from.version,
      toVersionId: created.id,
      toVersion: nextVersion,
      spec: proposal.spec,
    };
  });
}

/** The files a promotion wrote to the production sink. */
export async function recordPromotionExports(db: Db, promotionId: string, files: string[]): Promise<void> {
  await db.update(promotions).set({ exports: files }).where(eq(promotions.id, promotionId));
}

/**
 * Undo a promotion whose export or import command failed: the previous version is active again,
 * the proposal is approved again (so it can be retried), and the revert is recorded with the reason.
 * If someone moved the policy on in between, their version is left alone and only the record is made.
 */
export async function revertPromotion(db: Db, promotion: PromotionResult, input: { actor: string; reason: string; at: Date }): Promise<void> {
  await db.transaction(async (tx) => {
    await lockPolicy(tx, promotion.policyId);
    const active = await activeVersion(tx, promotion.policyId);
    if (active?.id === promotion.toVersionId) {
      await tx.update(policyVersions).set({ isActive: false }).where(eq(policyVersions.id, promotion.toVersionId));
      await tx.update(policyVersions).set({ isActive: true }).where(eq(policyVersions.id, promotion.fromVersionId));
    }
    await tx
      .update(proposals)
      .set({ status: 'approved', promotedVersionId: null })
      .where(and(eq(proposals.id, promotion.proposalId), eq(proposals.status, 'promoted')));
    await tx.insert(promotions).values({
      id: `revert_${randomUUID().slice(0, 8)}`,
      policyId: promotion.policyId,
      kind: 'revert',
      fromVersionId: promotion.toVersionId,
      toVersionId: promotion.fromVersionId,
      proposalId: promotion.proposalId,
      actor: input.actor,
      comment: input.reason,
      createdAt: input.at,
    });
  });
}

/**
 * Make an earlier version of a policy active again (default: the highest version below the active
 * one), recorded in promotions with kind `rollback`.
 */
export async function rollbackPolicy(
  db: Db,
  policyName: string,
  input: { to?: number; actor: string; comment?: string | null; at: Date },
): Promise<RollbackResult> {
  return db.transaction(async (tx) => {
    const [named] = await tx.select({ id: policies.id }).from(policies).where(eq(policies.name, policyName));
    if (!named) throw new NotFoundError('policy', policyName, 'see `routelab policy list`');
    await lockPolicy(tx, named.id);
    const active = await activeVersion(tx, named.id);
    if (!active) throw new ConflictError(`policy ${policyName} has no active version to roll back from`);
    const [target] =
      input.to === undefined
        ? await tx
            .select()
            .from(policyVersions)
            .where(and(eq(policyVersions.policyId, named.id), lt(policyVersions.version, active.version)))
            .orderBy(desc(policyVersions.version))
            .limit(1)
        : await tx
            .select()
            .from(policyVersions)
            .where(and(eq(policyVersions.policyId, named.id), eq(policyVersions.version, input.to)));
    if (!target) {
      if (input.to === undefined) throw new InputError(`-n ${policyName}: version ${active.version} is the earliest; nothing to roll back to`);
      throw new InputError(`--to: policy ${policyName} has no version ${input.to} (see \`routelab policy history -n ${policyName}\`)`);
    }
    if (target.id === active.id) throw new InputError(`--to: version ${target.version} of ${policyName} is already active`);
    await tx.update(policyVersions).set({ isActive: false }).where(eq(policyVersions.id, active.id));
    await tx.update(policyVersions).set({ isActive: true }).where(eq(policyVersions.id, target.id));
    const promotionId = `rollback_${randomUUID().slice(0, 8)}`;
    await tx.insert(promotions).values({
      id: promotionId,
      policyId: named.id,
      kind: 'rollback',
      fromVersionId: active.id,
      toVersionId: target.id,
      actor: input.actor,
      comment: input.comment ?? null,
      createdAt: input.at,
    });
    return { promotionId, policyName, fromVersion: active.version, toVersion: target.version };
  });
}

export interface ProposalListRow {
  id: string;
  runId: string;
  policy: string;
  baseVersion: number;
  status: string;
  decidedBy: string | null;
  decidedAt: Date | null;
  comment: string | null;
  createdAt: Date;
}

/** Proposals newest first, optionally of one status: what `proposals list` and reviewers scan. */
export async function listProposalRows(db: Db, status?: string): Promise<ProposalListRow[]> {
  return db
    .select({
      id: proposals.id,
      runId: proposals.runId,
      policy: policies.name,
      baseVersion: policyVersions.version,
      status: proposals.status,
      decidedBy: proposals.decidedBy,
      decidedAt: proposals.decidedAt,
      comment: proposals.comment,
      createdAt: proposals.createdAt,
    })
    .from(proposals)
    .innerJoin(policies, eq(policies.id, proposals.policyId))
    .innerJoin(policyVersions, eq(policyVersions.id, proposals.baseVersionId))
    .where(status ? eq(proposals.status, status) : undefined)
    .orderBy(desc(proposals.createdAt), desc(proposals.id))
    .limit(500);
}

/** Promotion history, newest first; optionally of one policy. */
export async function listPromotions(db: Db, options: { policyName?: string; limit?: number } = {}): Promise<PromotionRecord[]> {
  const fromV = alias(policyVersions, 'from_v');
  const toV = alias(policyVersions, 'to_v');
  const rows = await db
    .select({
      id: promotions.id,
      policyId: promotions.policyId,
      policyName: policies.name,
      kind: promotions.kind,
      fromVersion: fromV.version,
      toVersion: toV.version,
      proposalId: promotions.proposalId,
      actor: promotions.actor,
      comment: promotions.comment,
      exports: promotions.exports,
      createdAt: promotions.createdAt,
    })
    .from(promotions)
    .innerJoin(policies, eq(policies.id, promotions.policyId))
    .innerJoin(toV, eq(toV.id, promotions.toVersionId))
    .leftJoin(fromV, eq(fromV.id, promotions.fromVersionId))
    .where(options.policyName ? eq(policies.name, options.policyName) : undefined)
    .orderBy(desc(promotions.createdAt), desc(promotions.id))
    .limit(options.limit ?? 200);
  return rows.map((r) => ({ ...r, fromVersion: r.fromVersion ?? null, exports: r.exports ?? [] }));
}
