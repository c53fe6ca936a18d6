// Over 300 lines: approve, reject and the promotion journal share one transaction discipline; split by state next session.
import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { ConflictError, InputError, NotFoundError } from '../../domain/errors.js';
import type { PolicySpec } from '../../domain/policy-spec.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import type { Db } from '../db.js';
import { policies, policyVersions } from '../schema/policy.js';
import { promotions, proposals } from '../schema/proposals.js';

/**
 * Review decisions and version moves: approve, reject, and the promotion journal (promote, roll
 * back). Every write is a compare-and-set inside one transaction, so when two reviewers act at once
 * exactly one wins and the other gets a ConflictError saying what happened instead ("stale: …").
 * Promotions and rollbacks of one policy are serialised by locking its `policies` row; the partial
 * unique index on policy_versions still guarantees one active version if anything slips past.
 */

/** A transaction handle has the same query surface as the database. */
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Exec = Db | Tx;

export const PromotionKind = ['promote', 'rollback'] as const;
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

async function assertNoneInFlight(tx: Tx, policyId: number, policyName: string): Promise<void> {
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

/**
 * Start a rollback: a journal row (`promoting`, kind `rollback`) towards an earlier version, which
 * becomes active only when its export is deployed (`completePromotion`). The default target is the
 * newest version below the active one that was deployed: made active by `policy add/import`, or
 * the target of a `deployed` promotion or rollback — never one whose promotion failed.
 */
export async function beginRollback(db: Db, policyName: string, input: PromotionStart & { to?: number }): Promise<JournalEntry> {
  return db.transaction(async (tx) => {
    const [named] = await tx
      .select({ id: policies.id })
      .from(policies)
      .where(and(eq(policies.name, policyName), isNull(policies.removedAt)));
    if (!named) throw new NotFoundError('policy', policyName, 'see `routelab policy list`');
    await lockPolicy(tx, named.id);
    await assertNoneInFlight(tx, named.id, policyName);
    const active = await activeVersion(tx, named.id);
    if (!active) throw new ConflictError(`policy ${policyName} has no active version to roll back from`);
    const deployed = sql`(${policyVersions.origin} <> 'promote' or exists (select 1 from ${promotions} where ${promotions.toVersionId} = ${policyVersions.id} and ${promotions.state} = 'deployed'))`;
    const [target] =
      input.to === undefined
        ? await tx
            .select()
            .from(policyVersions)
            .where(and(eq(policyVersions.policyId, named.id), lt(policyVersions.version, active.version), deployed))
            .orderBy(desc(policyVersions.version))
            .limit(1)
        : await tx
            .select()
            .from(policyVersions)
            .where(and(eq(policyVersions.policyId, named.id), eq(policyVersions.version, input.to)));
    if (!target) {
      if (input.to === undefined)
        throw new InputError(`-n ${policyName}: no version below ${active.version} was ever deployed; nothing to roll back to`);
      throw new InputError(`--to: policy ${policyName} has no version ${input.to} (see \`routelab policy history -n ${policyName}\`)`);
    }
    if (target.id === active.id) throw new InputError(`--to: version ${target.version} of ${policyName} is already active`);
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
      state: 'promoting',
      owner: input.owner,
    });
    return {
      promotionId,
      kind: 'rollback',
      proposalId: null,
      policyId: named.id,
      policyName,
      fromVersionId: active.id,
      fromVersion: active.version,
      toVersionId: target.id,
      toVersion: target.version,
      spec: target.spec,
    };
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

/**
 * The proposal a user means by `id`: the exact id, else the one id starting with it (tables may
 * shorten ids to fit 80 columns). An ambiguous prefix is refused naming the candidates.
 */
export async function resolveProposalId(db: Db, id: string): Promise<string> {
  const [exact] = await db.select({ id: proposals.id }).from(proposals).where(eq(proposals.id, id));
  if (exact) return exact.id;
  const pattern = `${id.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db
    .select({ id: proposals.id })
    .from(proposals)
    .where(sql`${proposals.id} like ${pattern}`)
    .orderBy(proposals.id)
    .limit(6);
  if (rows.length === 1) return (rows[0] as { id: string }).id;
  if (rows.length === 0) throw new NotFoundError('proposal', id, 'see `routelab proposals list`');
  const shown = rows
    .slice(0, 5)
    .map((r) => r.id)
    .join(', ');
  throw new InputError(
    `proposal "${sanitizeInline(id)}" is ambiguous: it starts ${rows.length > 5 ? 'more than 5 ids' : `${rows.length} ids`} (${shown}); give more of it`,
  );
}
