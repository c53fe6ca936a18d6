// Per-(case, model) outcomes of a run (run_outcomes) and the counts read from them.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Outcome, OutcomeSource } from '../../domain/outcome.js';
import type { ModelCacheStats } from '../../domain/run.js';
import { redactString } from '../../redact/redact-text.js';
import type { Db } from '../db.js';
import { errorReason } from '../error-reason.js';
import { runOutcomes } from '../schema/runs.js';
import { finiteOrNull, int4OrNull, storableText, storableTextOrNull } from '../storable.js';
import { insertJsonRows, query } from './json-rows.js';

// ── outcomes ────────────────────────────────────────────────────────────────────────────────────

const OUTCOME_COLUMNS = [
  ['run_id', 'text'],
  ['case_id', 'text'],
  ['model', 'text'],
  ['answered_by', 'text'],
  ['status', 'integer'],
  ['output', 'text'],
  ['score', 'double precision'],
  ['pass', 'boolean'],
  ['reason', 'text'],
  ['cost_usd', 'double precision'],
  ['latency_ms', 'double precision'],
  ['input_tokens', 'integer'],
  ['output_tokens', 'integer'],
  ['source', 'text'],
] as const;

/**
 * Store fetched outcomes; a pair already stored (a redelivered chunk) keeps its first row. Every
 * value is made storable first (int4 and double ranges, text without NUL); should a batch still be
 * refused for its data, its rows go in one at a time and a row the store refuses becomes a recorded
 * failure for that (case, model) naming the cause — one pair's data never fails the chunk.
 */
export async function insertOutcomes(db: Db, runId: string, outcomes: readonly Outcome[]): Promise<number> {
  const rows = outcomes.map((o) => storableOutcome(runId, o));
  try {
    return await insertJsonRows(db, 'run_outcomes', OUTCOME_COLUMNS, rows);
  } catch (e) {
    if (!isDataError(e) || rows.length === 0) throw e;
  }
  let inserted = 0;
  for (const row of rows) {
    try {
      inserted += await insertJsonRows(db, 'run_outcomes', OUTCOME_COLUMNS, [row]);
    } catch (e) {
      if (!isDataError(e)) throw e;
      const failed = {
        ...row,
        answered_by: null,
        status: 502,
        output: null,
        score: null,
        pass: false,
        input_tokens: null,
        output_tokens: null,
      };
      inserted += await insertJsonRows(db, 'run_outcomes', OUTCOME_COLUMNS, [
        { ...failed, reason: storableText(`the reply could not be stored: ${errorReason(e)}`.slice(0, 300)) },
      ]);
    }
  }
  return inserted;
}

function storableOutcome(runId: string, o: Outcome) {
  const score = finiteOrNull(o.score);
  return {
    run_id: runId,
    case_id: o.case_id,
    model: o.model,
    // Answers and reasons (judge output, error text) may echo a secret: redacted before storing.
    answered_by: storableTextOrNull(o.answered_by === null ? null : redactString(o.answered_by)),
    status: int4OrNull(o.status) ?? 0,
    output: storableTextOrNull(o.output === null ? null : redactString(o.output)),
    score: score === null ? null : Math.min(1, Math.max(0, score)),
    pass: o.pass,
    reason: storableTextOrNull(o.reason === null ? null : redactString(o.reason)),
    cost_usd: finiteOrNull(o.cost_usd),
    latency_ms: finiteOrNull(o.latency_ms),
    input_tokens: int4OrNull(o.input_tokens),
    output_tokens: int4OrNull(o.output_tokens),
    source: o.source,
  };
}

/** SQLSTATE class 22 (data exception) or 54 (a value past a limit): the row's data, not the store, is at fault. */
function isDataError(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c && typeof c === 'object' && depth < 4; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && /^(22|54)[0-9A-Z]{3}$/.test(code)) return true;
  }
  return false;
}

function toOutcome(r: typeof runOutcomes.$inferSelect): Outcome {
  return {
    case_id: r.caseId,
    model: r.model,
    answered_by: r.answeredBy,
    status: r.status,
    output: r.output,
    score: r.score,
    pass: r.pass,
    reason: r.reason,
    cost_usd: r.costUsd,
    latency_ms: r.latencyMs,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    source: r.source as OutcomeSource,
  };
}

export async function loadOutcomes(db: Db, runId: string, caseIds?: readonly string[]): Promise<Outcome[]> {
  if (caseIds && caseIds.length === 0) return [];
  const where = caseIds ? and(eq(runOutcomes.runId, runId), inArray(runOutcomes.caseId, [...caseIds])) : eq(runOutcomes.runId, runId);
  const rows = await db.select().from(runOutcomes).where(where);
  return rows.map(toOutcome);
}

/** `case\0model` keys of the pairs of these cases already stored. */
/** The key of a (case, model) pair in `storedPairs`' set. */
export const pairKey = (caseId: string, model: string): string => `${caseId}\u0000${model}`;

export async function storedPairs(db: Db, runId: string, caseIds: readonly string[]): Promise<Set<string>> {
  if (caseIds.length === 0) return new Set();
  const rows = await db
    .select({ c: runOutcomes.caseId, m: runOutcomes.model })
    .from(runOutcomes)
    .where(and(eq(runOutcomes.runId, runId), inArray(runOutcomes.caseId, [...caseIds])));
  return new Set(rows.map((r) => pairKey(r.c, r.m)));
}

export interface OutcomeCounts {
  stored: number;
  calls: number;
  cacheHits: number;
  recorded: number;
  callCostUsd: number;
}

/** Counted from the stored rows, not from counters: a redelivered job can never inflate them. */
export async function outcomeCounts(db: Db, runId: string): Promise<OutcomeCounts> {
  const r = await query<{ stored: number; calls: number; cache: number; recorded: number; cost: number | null }>(
    db,
    sql`select count(*)::int as stored,
               (count(*) filter (where source in ('call', 'refresh')))::int as calls,
               (count(*) filter (where source = 'cache'))::int as cache,
               (count(*) filter (where source = 'recorded'))::int as recorded,
               coalesce(sum(cost_usd) filter (where source in ('call', 'refresh')), 0)::float8 as cost
          from run_outcomes where run_id = ${runId}`,
  );
  const row = r[0];
  return {
    stored: Number(row?.stored ?? 0),
    calls: Number(row?.calls ?? 0),
    cacheHits: Number(row?.cache ?? 0),
    recorded: Number(row?.recorded ?? 0),
    callCostUsd: Number(row?.cost ?? 0),
  };
}

/** Hits, misses (calls) and refreshes per model, from the stored rows. */
export async function cacheStatsByModel(db: Db, runId: string): Promise<ModelCacheStats[]> {
  const rows = await query<{ model: string; hits: number; misses: number; refreshes: number }>(
    db,
    sql`select model,
               (count(*) filter (where source = 'cache'))::int as hits,
               (count(*) filter (where source = 'call'))::int as misses,
               (count(*) filter (where source = 'refresh'))::int as refreshes
          from run_outcomes where run_id = ${runId} and source <> 'recorded'
         group by model order by model`,
  );
  return rows.map((r) => ({ model: r.model, hits: Number(r.hits), misses: Number(r.misses), refreshes: Number(r.refreshes) }));
}
