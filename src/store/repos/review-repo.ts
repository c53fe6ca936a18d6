import { and, desc, eq, sql } from 'drizzle-orm';
import { ConflictError, InputError, NotFoundError } from '../../domain/errors.js';
import type { PolicySpec } from '../../domain/policy-spec.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import type { Db } from '../db.js';
import { policies, policyVersions } from '../schema/policy.js';
import { proposals } from '../schema/proposals.js';

/**
 * Review decisions and version moves: approve, reject, and the promotion journal (promote, roll
 * back). Every write is a compare-and-set inside one transaction, so when two reviewers act at once
 * exactly one wins and the other gets a ConflictError saying what happened instead ("stale: …").
 * Promotions and rollbacks of one policy are serialised by locking its `policies` row; the partial
 * unique index on policy_versions still guarantees one active version if anything slips past.
 */

/** A transaction handle has the same query surface as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Exec = Db | Tx;

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

export async function loadProposal(db: Exec, proposalId: string) {
  const [row] = await db.select().from(proposals).where(eq(proposals.id, proposalId));
  if (!row) throw new NotFoundError('proposal', proposalId, 'see `routelab proposals list`');
  return row;
}

/** The spec a proposal would promote (to render its export before anything changes). */
export async function proposalSpec(db: Db, proposalId: string): Promise<PolicySpec> {
  return (await loadProposal(db, proposalId)).spec;
}

/** Why a compare-and-set on the proposal found it in another state. */
export function staleProposal(row: { id: string; status: string; decidedBy: string | null }): ConflictError {
  // The name is whatever a reviewer typed after --as: shown on a terminal, so sanitized.
  const by = row.decidedBy ? ` by ${sanitizeInline(row.decidedBy)}` : '';
  return new ConflictError(`stale: proposal ${row.id} is ${row.status}${row.status === 'pending' ? '' : by} now`);
}

export async function lockPolicy(tx: Tx, policyId: number): Promise<{ id: number; name: string; removedAt: Date | null }> {
  const [row] = await tx
    .select({ id: policies.id, name: policies.name, removedAt: policies.removedAt })
    .from(policies)
    .where(eq(policies.id, policyId))
    .for('update');
  if (!row) throw new NotFoundError('policy', String(policyId));
  return row;
}

export async function activeVersion(db: Exec, policyId: number) {
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
export async function assertBaseActive(db: Exec, policyId: number, baseVersionId: number): Promise<{ id: number; version: number }> {
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
