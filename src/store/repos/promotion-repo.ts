import { and, desc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { randomUUID } from 'node:crypto';
import { ConflictError } from '../../domain/errors.js';
import type { PolicySpec } from '../../domain/policy-spec.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import type { Db } from '../db.js';
import { policies, policyVersions } from '../schema/policy.js';
import { promotions, proposals } from '../schema/proposals.js';
import { type Tx, activeVersion, assertBaseActive, loadProposal, lockPolicy, staleProposal } from './review-repo.js';

export const PromotionKind = ['promote', 'rollback'] as const;
export type PromotionKind = (typeof PromotionKind)[number];

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
  /** `promoting`, `deployed` or `failed` (see the journal below). */
  state: string;
}

/**
 * The promotion journal. A promotion or rollback is a row that goes `promoting` → `deployed` or
 * `failed`; the version it moves to becomes active only in the `deployed` step, after the export is
 * written and the deploy command has succeeded. A crash anywhere leaves at most a `promoting` row
 * with a dead owner, which `reconcilePromotions` (run by the next review command) marks failed.
 */
export interface PromotionStart {
  actor: string;
  comment?: string | null;
  at: Date;
  /** `host:pid` of this process. */
  owner: string;
}

export interface JournalEntry {
  promotionId: string;
  kind: 'promote' | 'rollback';
  proposalId: string | null;
  policyId: number;
  policyName: string;
  fromVersionId: number;
  fromVersion: number;
  toVersionId: number;
  toVersion: number;
  spec: PolicySpec;
}

export async function assertNoneInFlight(tx: Tx, policyId: number, policyName: string): Promise<void> {
  const [busy] = await tx
    .select({ id: promotions.id, owner: promotions.owner })
    .from(promotions)
    .where(and(eq(promotions.policyId, policyId), eq(promotions.state, 'promoting')));
  if (busy)
    throw new ConflictError(
      `policy ${policyName} is being deployed by ${sanitizeInline(busy.owner ?? '?')} (${busy.id}); wait for it to finish`,
    );
}

/**
 * approved → `promoting`: the proposal's spec becomes a new, inactive version of its policy and a
 * journal row, provided the proposal is approved, its base version is the active one and no other
 * promotion of the policy is in flight. Nothing is active yet.
 */
export async function beginPromotion(db: Db, proposalId: string, input: PromotionStart): Promise<JournalEntry> {
  return db.transaction(async (tx) => {
    const proposal = await loadProposal(tx, proposalId);
    if (proposal.status !== 'approved') {
      if (proposal.status === 'pending') throw new ConflictError(`proposal ${proposalId} is pending: approve it first`);
      throw staleProposal(proposal);
    }
    const policy = await lockPolicy(tx, proposal.policyId);
    if (policy.removedAt) throw new ConflictError(`policy ${policy.name} was removed`);
    await assertNoneInFlight(tx, policy.id, policy.name);
    const from = await assertBaseActive(tx, proposal.policyId, proposal.baseVersionId);
    const [max] = await tx
      .select({ v: sql<number>`coalesce(max(${policyVersions.version}), 0)::int` })
      .from(policyVersions)
      .where(eq(policyVersions.policyId, proposal.policyId));
    const nextVersion = Number(max?.v ?? 0) + 1;
    const [created] = await tx
      .insert(policyVersions)
      .values({
        policyId: proposal.policyId,
        version: nextVersion,
        spec: proposal.spec,
        sourceFormat: 'watsonx',
        origin: 'promote',
        isActive: false,
        createdBy: input.actor,
        createdAt: input.at,
      })
      .returning({ id: policyVersions.id });
    if (!created) throw new Error('insert of the promoted version returned no row');
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
      state: 'promoting',
      owner: input.owner,
    });
    return {
      promotionId,
      kind: 'promote',
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

/** The files a promotion wrote to the production sink (recorded before the deploy command runs). */
export async function recordPromotionExports(db: Db, promotionId: string, files: string[]): Promise<void> {
  await db.update(promotions).set({ exports: files }).where(eq(promotions.id, promotionId));
}

/**
 * `promoting` → `deployed`: the deploy succeeded, so the version becomes the active one (and the
 * proposal `promoted`). Refused when the row is no longer `promoting` (a reconcile marked it failed).
 */
export async function completePromotion(db: Db, entry: JournalEntry): Promise<void> {
  await db.transaction(async (tx) => {
    await lockPolicy(tx, entry.policyId);
    const claimed = await tx
      .update(promotions)
      .set({ state: 'deployed' })
      .where(and(eq(promotions.id, entry.promotionId), eq(promotions.state, 'promoting')))
      .returning({ id: promotions.id });
    if (claimed.length === 0)
      throw new ConflictError(`promotion ${entry.promotionId} was marked failed while it ran; nothing was activated`);
    const active = await activeVersion(tx, entry.policyId);
    if (active && active.id !== entry.fromVersionId)
      throw new ConflictError(`stale: version ${active.version} of ${entry.policyName} became active while deploying`);
    // Deactivate first: the partial unique index allows one active row at any instant.
    if (active) await tx.update(policyVersions).set({ isActive: false }).where(eq(policyVersions.id, active.id));
    await tx.update(policyVersions).set({ isActive: true }).where(eq(policyVersions.id, entry.toVersionId));
    if (entry.proposalId) {
      await tx
        .update(proposals)
        .set({ status: 'promoted', promotedVersionId: entry.toVersionId })
        .where(and(eq(proposals.id, entry.proposalId), eq(proposals.status, 'approved')));
    }
  });
}

/** `promoting` → `failed` with the reason; nothing was activated, the proposal stays approved. */
export async function failPromotion(db: Db, promotionId: string, reason: string): Promise<boolean> {
  const rows = await db
    .update(promotions)
    .set({ state: 'failed', comment: reason })
    .where(and(eq(promotions.id, promotionId), eq(promotions.state, 'promoting')))
    .returning({ id: promotions.id });
  return rows.length > 0;
}

export interface StuckPromotion {
  promotionId: string;
  policyName: string;
  toVersion: number;
  owner: string | null;
  exports: string[];
}

/**
 * Every `promoting` row whose owner is not alive (`isAlive(owner)` false) becomes `failed`; returns
 * them so the caller removes their export files. The version they would have activated never was.
 */
export async function reconcilePromotions(db: Db, isAlive: (owner: string | null) => boolean): Promise<StuckPromotion[]> {
  const rows = await db
    .select({
      id: promotions.id,
      owner: promotions.owner,
      exports: promotions.exports,
      policyName: policies.name,
      toVersion: policyVersions.version,
    })
    .from(promotions)
    .innerJoin(policies, eq(policies.id, promotions.policyId))
    .innerJoin(policyVersions, eq(policyVersions.id, promotions.toVersionId))
    .where(eq(promotions.state, 'promoting'));
  const stuck: StuckPromotion[] = [];
  for (const r of rows) {
    if (isAlive(r.owner)) continue;
    const reason = `routelab (${r.owner ?? 'unknown'}) stopped during the deploy; nothing was activated and the export was removed`;
    if (await failPromotion(db, r.id, reason))
      stuck.push({ promotionId: r.id, policyName: r.policyName, toVersion: r.toVersion, owner: r.owner, exports: r.exports ?? [] });
  }
  return stuck;
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
      state: promotions.state,
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
