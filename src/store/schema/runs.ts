import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { PolicySpec } from '../../domain/policy-spec.js';
import type { RequestInput } from '../../domain/request-input.js';
import type { NightlyOptions } from '../../domain/nightly.js';
import type { Attempt } from '../../domain/run.js';
import { policies, policyVersions } from './policy.js';

export const runs = pgTable(
  'runs',
  {
    id: text('id').primaryKey(),
    policyId: integer('policy_id')
      .notNull()
      .references(() => policies.id),
    /** The baseline: the policy's active version when the run was planned. */
    baseVersionId: integer('base_version_id')
      .notNull()
      .references(() => policyVersions.id),
    sourceKind: text('source_kind').notNull(),
    sourceName: text('source_name').notNull(),
    status: text('status').notNull(),
    seed: text('seed').notNull(),
    holdout: doublePrecision('holdout').notNull(),
    costCapUsd: doublePrecision('cost_cap_usd'),
    /** Sample rate (1 for golden / recorded sets): budgets are simulated at 1/rate scale. */
    rate: doublePrecision('rate').notNull().default(1),
    pairs: integer('pairs').notNull().default(0),
    modelCalls: integer('model_calls').notNull().default(0),
    cacheHits: integer('cache_hits').notNull().default(0),
    recorded: integer('recorded').notNull().default(0),
    costUsd: doublePrecision('cost_usd').notNull().default(0),
    /** Golden set whose assertions score the outcomes (golden runs, and samples with `--golden`). */
    goldenSetId: integer('golden_set_id'),
    /** Id of the source row (sample, golden set or outcome set) named by source_name. */
    sourceId: integer('source_id'),
    /** Number of chunk jobs the cases were split into. */
    chunks: integer('chunks').notNull().default(0),
    /**
     * Hard cost cap bookkeeping: every provider call reserves its estimated cost here first (and the
     * reservation is corrected to the real cost once it returns), atomically, so concurrent workers
     * can never together overspend the cap.
     */
    reservedUsd: doublePrecision('reserved_usd').notNull().default(0),
    /** Provider calls started, duplicates after a crash included (model_calls counts stored pairs). */
    callsAttempted: integer('calls_attempted').notNull().default(0),
    capReached: boolean('cap_reached').notNull().default(false),
    /** What LLM-judge calls cost (their verdicts are not outcome rows); part of the run's cost. */
    judgeCostUsd: doublePrecision('judge_cost_usd').notNull().default(0),
    /** Share of (variant, case) results that are not recorded failures (set by aggregate). */
    coverage: doublePrecision('coverage'),
    /** Lines the summary must say (how unmatched sampled cases were scored, cap reached, …). */
    notes: jsonb('notes').$type<string[]>().notNull().default([]),
    /** Set by the nightly scheduler: one run per policy per scheduled slot. */
    scheduleSlot: text('schedule_slot'),
    /** `use` (read and write the response cache), `off` (--no-cache), `only` (--cache-only: never call). */
    cacheMode: text('cache_mode').notNull().default('use'),
    /** Share of cached pairs re-asked anyway (a seeded pick per pair): drift shows without paying for every pair. */
    refreshRate: doublePrecision('refresh_rate').notNull().default(0),
    /** Set on a nightly: what the steps after the run do (alerting, segments). Null for a manual run. */
    nightly: jsonb('nightly').$type<NightlyOptions>(),
    error: text('error'),
    /**
     * Last time a worker stored something for the run (outcomes, a finished chunk), by the database's
     * clock, the one clock every worker shares. A running run whose progress_at is too old is failed
     * with the reason by the stall detector (reapStalledRuns) instead of staying running for ever.
     */
    progressAt: timestamp('progress_at', { withTimezone: true }).defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('runs_schedule_slot').on(t.policyId, t.scheduleSlot), index('runs_created').on(t.createdAt)],
);

export const runVariants = pgTable(
  'run_variants',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    idx: integer('idx').notNull(),
    name: text('name').notNull(),
    /** Null for a variant loaded from a file that is not in the registry. */
    versionId: integer('version_id').references(() => policyVersions.id),
    version: integer('version'),
    spec: jsonb('spec').$type<PolicySpec>().notNull(),
    isBaseline: boolean('is_baseline').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.runId, t.idx] })],
);

export const runCases = pgTable(
  'run_cases',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    caseId: text('case_id').notNull(),
    split: text('split').notNull(),
    ts: timestamp('ts', { withTimezone: true }),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    inputTokens: integer('input_tokens').notNull().default(0),
    /** Derived request fields (`input.*`: last user message, turns, has_code, …); null before issue 18. */
    input: jsonb('input').$type<RequestInput>(),
    /** Which chunk job owns the case. */
    chunk: integer('chunk').notNull().default(0),
    /** Golden case whose assertions score this case; null: scored against the original response. */
    goldenCaseId: text('golden_case_id'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.caseId] }), index('run_cases_chunk').on(t.runId, t.chunk)],
);

/** One row per chunk job that finished (done) or failed after its attempts (failed). */
export const runChunks = pgTable(
  'run_chunks',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    chunk: integer('chunk').notNull(),
    status: text('status').notNull(),
    error: text('error'),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.chunk] })],
);

/** One row per unique (case, model) of a run, shared by every variant. */
export const runOutcomes = pgTable(
  'run_outcomes',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    caseId: text('case_id').notNull(),
    model: text('model').notNull(),
    answeredBy: text('answered_by'),
    status: integer('status').notNull(),
    output: text('output'),
    score: doublePrecision('score'),
    pass: boolean('pass'),
    reason: text('reason'),
    costUsd: doublePrecision('cost_usd'),
    latencyMs: doublePrecision('latency_ms'),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    source: text('source').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.caseId, t.model] })],
);

/** One row per (run, variant, case): the variant's expected result, or a recorded failure. */
export const variantResults = pgTable(
  'variant_results',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    variantIdx: integer('variant_idx').notNull(),
    caseId: text('case_id').notNull(),
    quality: doublePrecision('quality'),
    costUsd: doublePrecision('cost_usd'),
    latencyMs: doublePrecision('latency_ms'),
    pError: doublePrecision('p_error'),
    pGuardrailBlock: doublePrecision('p_guardrail_block'),
    pBudgetBlock: doublePrecision('p_budget_block'),
    served: jsonb('served').$type<Record<string, number>>(),
    path: jsonb('path').$type<Attempt[]>(),
    flagged: boolean('flagged').notNull().default(false),
    /** Set when the chunk owning this case failed after its attempts: the case is a recorded failure. */
    failure: text('failure'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.variantIdx, t.caseId] })],
);
