import { sql } from 'drizzle-orm';
import { boolean, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { PolicySpec } from '../../domain/policy-spec.js';

export const policies = pgTable('policies', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** `policy remove` marks the policy removed; its versions stay for the history of past runs. */
  removedAt: timestamp('removed_at', { withTimezone: true }),
});

export const policyVersions = pgTable(
  'policy_versions',
  {
    id: serial('id').primaryKey(),
    policyId: integer('policy_id')
      .notNull()
      .references(() => policies.id),
    version: integer('version').notNull(),
    spec: jsonb('spec').$type<PolicySpec>().notNull(),
    sourceFormat: text('source_format').notNull(),
    /** How the version came to be: `add`, `import`, `promote`, `rollback`. */
    origin: text('origin').notNull(),
    isActive: boolean('is_active').notNull().default(false),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('policy_versions_policy_version').on(t.policyId, t.version),
    // Exactly one active version per policy, enforced by the database.
    uniqueIndex('policy_versions_one_active')
      .on(t.policyId)
      .where(sql`${t.isActive}`),
  ],
);
