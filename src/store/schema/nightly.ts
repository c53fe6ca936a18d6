import { doublePrecision, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { runs } from './runs.js';

/**
 * One row per step of a nightly (sample, run, detect, propose, report, notify): what happened, so a
 * failed step shows in `runs list`, `runs show` and the dashboard instead of only in a worker log.
 */
export const runSteps = pgTable(
  'run_steps',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    step: text('step').notNull(),
    /** Position in the loop, for display order. */
    ord: integer('ord').notNull(),
    status: text('status').notNull(),
    detail: text('detail'),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.step] })],
);

/**
 * Per run, per model and per variant: the figures `trends` plots, written once when the run
 * completes, so trends over a year of nightlies reads a few thousand rows instead of every outcome.
 * Policy and run time are copied in so the read needs no join.
 */
export const runAggregates = pgTable(
  'run_aggregates',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    policyId: integer('policy_id').notNull(),
    runAt: timestamp('run_at', { withTimezone: true }).notNull(),
    n: integer('n').notNull(),
    quality: doublePrecision('quality').notNull(),
    qualityLo: doublePrecision('quality_lo').notNull(),
    qualityHi: doublePrecision('quality_hi').notNull(),
    costPer1k: doublePrecision('cost_per_1k').notNull(),
    p95Ms: doublePrecision('p95_ms').notNull(),
    errorRate: doublePrecision('error_rate').notNull(),
    errorLo: doublePrecision('error_lo').notNull(),
    errorHi: doublePrecision('error_hi').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.kind, t.name] }), index('run_aggregates_policy_at').on(t.policyId, t.runAt)],
);
