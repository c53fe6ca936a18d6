import { doublePrecision, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';

/** A recorded-outcomes dataset (`routelab outcomes import`). */
export const outcomeSets = pgTable('outcome_sets', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  format: text('format').notNull(),
  file: text('file').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const recordedOutcomes = pgTable(
  'recorded_outcomes',
  {
    setId: integer('set_id').notNull().references(() => outcomeSets.id),
    caseId: text('case_id').notNull(),
    model: text('model').notNull(),
    input: text('input'),
    output: text('output'),
    score: doublePrecision('score'),
    costUsd: doublePrecision('cost_usd'),
    latencyMs: doublePrecision('latency_ms'),
    status: integer('status'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.setId, t.caseId, t.model] })],
);

/** Provider responses keyed by hash(request + model + params): a second run calls nothing. */
export const responseCache = pgTable('response_cache', {
  key: text('key').primaryKey(),
  model: text('model').notNull(),
  status: integer('status').notNull(),
  output: text('output'),
  answeredBy: text('answered_by'),
  latencyMs: doublePrecision('latency_ms'),
  inputTokens: integer('input_tokens'),
  outputTokens: integer('output_tokens'),
  costUsd: doublePrecision('cost_usd'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
