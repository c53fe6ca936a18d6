import { integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { PolicySpec } from '../../domain/policy-spec.js';
import type { ProposalDetails, ProposalOptions, SplitMetrics } from '../../domain/proposal.js';
import { policies, policyVersions } from './policy.js';
import { runs } from './runs.js';

export const proposals = pgTable(
  'proposals',
  {
    id: text('id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    policyId: integer('policy_id')
      .notNull()
      .references(() => policies.id),
    /** The version the proposal was computed against; promoting it when another is active is refused. */
    baseVersionId: integer('base_version_id')
      .notNull()
      .references(() => policyVersions.id),
    /** Stable hash of the options: re-running `propose` with the same run and options finds the same row. */
    optionsKey: text('options_key').notNull(),
    options: jsonb('options').$type<ProposalOptions>().notNull(),
    status: text('status').notNull(),
    spec: jsonb('spec').$type<PolicySpec>().notNull(),
    train: jsonb('train').$type<SplitMetrics>().notNull(),
    holdout: jsonb('holdout').$type<SplitMetrics>().notNull(),
    baseline: jsonb('baseline').$type<SplitMetrics>().notNull(),
    holdoutDiff: jsonb('holdout_diff').$type<{ mean: number; ci: [number, number]; p_value: number }>().notNull(),
    rationale: jsonb('rationale').$type<string[]>().notNull(),
    /** Reason, recommended, constraint and its bound, rules with train/holdout figures (issue 18). */
    details: jsonb('details').$type<ProposalDetails>(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    comment: text('comment'),
    promotedVersionId: integer('promoted_version_id').references(() => policyVersions.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('proposals_run_options').on(t.runId, t.optionsKey)],
);

/** Promotions and rollbacks: who moved which policy from which version to which, and why. */
export const promotions = pgTable('promotions', {
  id: text('id').primaryKey(),
  policyId: integer('policy_id')
    .notNull()
    .references(() => policies.id),
  kind: text('kind').notNull(),
  fromVersionId: integer('from_version_id').references(() => policyVersions.id),
  toVersionId: integer('to_version_id')
    .notNull()
    .references(() => policyVersions.id),
  proposalId: text('proposal_id').references(() => proposals.id),
  actor: text('actor').notNull(),
  comment: text('comment'),
  exports: jsonb('exports').$type<string[]>().notNull().default([]),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /**
   * The promotion journal (issue 17): `promoting` while the export is written and the deploy command
   * runs (the new version is not active yet), then `deployed` (active) or `failed` (nothing changed,
   * export removed). Rows from before the journal are `deployed`; reverts are `failed` records.
   */
  state: text('state').notNull().default('deployed'),
  /** `host:pid` of the routelab process running a `promoting` row, to tell a crash from a live one. */
  owner: text('owner'),
});
