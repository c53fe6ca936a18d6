import { boolean, doublePrecision, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';

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
    setId: integer('set_id')
      .notNull()
      .references(() => outcomeSets.id),
    caseId: text('case_id').notNull(),
    model: text('model').notNull(),
    /** Position in the source file: cases load back in the order they were recorded. */
    ord: integer('ord').notNull().default(0),
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

/** Rows an outcomes import refused, with their row/line number and why. */
export const outcomeQuarantine = pgTable(
  'outcome_quarantine',
  {
    setId: integer('set_id')
      .notNull()
      .references(() => outcomeSets.id),
    line: integer('line').notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [primaryKey({ columns: [t.setId, t.line] })],
);

/**
 * Provider responses (answers and errors alike) keyed by hash(model identity + request + params). An
 * entry is fresh for the model's catalog cache_ttl from created_at; a refresh overwrites it.
 */
export const responseCache = pgTable('response_cache', {
  key: text('key').primaryKey(),
  /** The catalog model asked (not the one that answered: see answered_by). */
  model: text('model'),
  /** The upstream build reported with the answer (`system_fingerprint`), when there is one. */
  fingerprint: text('fingerprint'),
  /** The run whose call stored this entry: that run never reuses its own cached error (see process-chunk). */
  runId: text('run_id'),
  status: integer('status').notNull(),
  output: text('output'),
  answeredBy: text('answered_by'),
  latencyMs: doublePrecision('latency_ms'),
  inputTokens: integer('input_tokens'),
  outputTokens: integer('output_tokens'),
  costUsd: doublePrecision('cost_usd'),
  error: jsonb('error').$type<{ kind: string; message: string; retry_after_ms?: number }>(),
  simulated: boolean('simulated').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
