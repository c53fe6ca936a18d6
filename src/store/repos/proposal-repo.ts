import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { PolicySpec } from '../../domain/policy-spec.js';
import type { Proposal, ProposalDetails, ProposalOptions, ProposalStatus, SplitMetrics } from '../../domain/proposal.js';
import type { Db } from '../db.js';
import { policies, policyVersions } from '../schema/policy.js';
import { proposals } from '../schema/proposals.js';

export interface NewProposal {
  id: string;
  runId: string;
  policyId: number;
  baseVersionId: number;
  optionsKey: string;
  options: ProposalOptions;
  status: ProposalStatus;
  spec: PolicySpec;
  train: SplitMetrics;
  holdout: SplitMetrics;
  baseline: SplitMetrics;
  holdoutDiff: { mean: number; ci: [number, number]; p_value: number };
  rationale: string[];
  details: ProposalDetails;
}

/** A stored proposal: the `propose --json` contract plus its review trail. */
export interface StoredProposal extends Proposal {
  options_key: string;
  created_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  comment: string | null;
  promoted_version_id: number | null;
}

const columns = {
  row: proposals,
  policyName: policies.name,
  baseVersion: policyVersions.version,
};

function toStored(r: { row: typeof proposals.$inferSelect; policyName: string; baseVersion: number }): StoredProposal {
  const p = r.row;
  return {
    proposal_id: p.id,
    run_id: p.runId,
    policy_name: r.policyName,
    base_version: r.baseVersion,
    status: p.status as ProposalStatus,
    options: p.options,
    policy: p.spec,
    train: p.train,
    holdout: p.holdout,
    baseline: p.baseline,
    holdout_diff: p.holdoutDiff,
    rationale: p.rationale,
    details: p.details ?? null,
    options_key: p.optionsKey,
    created_at: p.createdAt,
    decided_by: p.decidedBy,
    decided_at: p.decidedAt,
    comment: p.comment,
    promoted_version_id: p.promotedVersionId,
  };
}

async function select(db: Db, where: SQL | undefined): Promise<StoredProposal[]> {
  const rows = await db
    .select(columns)
    .from(proposals)
    .innerJoin(policies, eq(proposals.policyId, policies.id))
    .innerJoin(policyVersions, eq(proposals.baseVersionId, policyVersions.id))
    .where(where)
    .orderBy(desc(proposals.createdAt), proposals.id);
  return rows.map(toStored);
}

/**
 * Store a proposal once per (run, options): a second `propose` with the same run and options — or
 * two racing — writes nothing and gets the first one back, review trail included.
 */
export async function createProposal(db: Db, p: NewProposal): Promise<{ proposal: StoredProposal; created: boolean }> {
  const inserted = await db
    .insert(proposals)
    .values({
      id: p.id,
      runId: p.runId,
      policyId: p.policyId,
      baseVersionId: p.baseVersionId,
      optionsKey: p.optionsKey,
      options: p.options,
      status: p.status,
      spec: p.spec,
      train: p.train,
      holdout: p.holdout,
      baseline: p.baseline,
      holdoutDiff: p.holdoutDiff,
      rationale: p.rationale,
      details: p.details,
    })
    .onConflictDoNothing()
    .returning({ id: proposals.id });
  const [stored] = await select(db, and(eq(proposals.runId, p.runId), eq(proposals.optionsKey, p.optionsKey)));
  if (!stored) throw new Error(`proposal for run ${p.runId} with options ${p.optionsKey} was neither stored nor found`);
  return { proposal: stored, created: inserted.length > 0 };
}

export async function getProposal(db: Db, id: string): Promise<StoredProposal | undefined> {
  const [p] = await select(db, eq(proposals.id, id));
  return p;
}

export async function findProposal(db: Db, runId: string, optionsKey: string): Promise<StoredProposal | undefined> {
  const [p] = await select(db, and(eq(proposals.runId, runId), eq(proposals.optionsKey, optionsKey)));
  return p;
}

/** Newest first. */
export async function listProposals(db: Db, filter: { runId?: string; status?: ProposalStatus } = {}): Promise<StoredProposal[]> {
  const conds = [
    filter.runId !== undefined ? eq(proposals.runId, filter.runId) : undefined,
    filter.status !== undefined ? eq(proposals.status, filter.status) : undefined,
  ].filter((c): c is SQL => c !== undefined);
  return select(db, conds.length ? and(...conds) : undefined);
}
