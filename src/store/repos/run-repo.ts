// Over 300 lines (to split next session by table): every run table's writes and reads, kept together while several issues changed them.
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Outcome, OutcomeSource } from '../../domain/outcome.js';
import type { PolicySpec } from '../../domain/policy-spec.js';
import type { ModelCacheStats, RunCase, RunStatus, Split, VariantCaseResult } from '../../domain/run.js';
import type { Db } from '../db.js';
import { errorReason } from '../error-reason.js';
import { finiteOrNull, int4OrNull, storableText, storableTextOrNull } from '../storable.js';
import { policies } from '../schema/policy.js';
import { runCases, runChunks, runOutcomes, runs, runVariants, variantResults } from '../schema/runs.js';
import { redactString } from '../../redact/redact-text.js';

export type RunRow = typeof runs.$inferSelect;
export type NewRunRow = typeof runs.$inferInsert;

export interface RunVariant {
  idx: number;
  name: string;
  version: number | null;
  versionId: number | null;
  spec: PolicySpec;
  isBaseline: boolean;
}

/** A case as planned: the evaluator's view plus which chunk owns it and which golden case scores it. */
export interface PlannedCase extends RunCase {
  chunk: number;
  golden_case_id: string | null;
}

export interface CaseFailure {
  case_id: string;
  failure: string;
}

export interface RunData {
  run: RunRow;
  variants: RunVariant[];
  cases: RunCase[];
  outcomes: Outcome[];
  /** Per variant idx: the results of every case that has one (recorded failures are in `failures`). */
  results: Map<number, VariantCaseResult[]>;
  failures: Map<number, CaseFailure[]>;
}

/** Rows of a raw statement on either driver (PGlite returns `{rows}`, postgres.js an array). */
async function query<T>(db: Db, statement: SQL): Promise<T[]> {
  const r = (await db.execute(statement)) as unknown;
  return Array.isArray(r) ? (r as T[]) : ((r as { rows: T[] }).rows ?? []);
}

/**
 * Bulk insert through one JSON parameter expanded by `json_to_recordset`: a single round trip and a
 * single statement per batch, on both drivers, close to COPY speed. ON CONFLICT DO NOTHING makes a
 * redelivered job's second write a no-op. Table and column names are constants of this file.
 */
async function insertJsonRows(
  db: Db,
  table: string,
  columns: ReadonlyArray<readonly [string, string]>,
  rows: readonly object[],
  batch = 5_000,
): Promise<number> {
  const names = columns.map(([n]) => n).join(', ');
  const defs = columns.map(([n, t]) => `${n} ${t}`).join(', ');
  const insertPart = async (from: number): Promise<number> => {
    const part = JSON.stringify(rows.slice(from, from + batch));
    const res = (await db.execute(
      sql`insert into ${sql.raw(table)} (${sql.raw(names)}) select ${sql.raw(names)} from json_to_recordset(${part}::json) as x(${sql.raw(defs)}) on conflict do nothing`,
    )) as unknown as { count?: number; affectedRows?: number };
    // postgres.js reports `count`, PGlite `affectedRows`: rows really inserted (conflicts excluded).
    return Number(res.count ?? res.affectedRows ?? 0);
  };
  // Two statements in flight: the server parses one batch's JSON while the next is sent (on a pool;
  // PGlite runs them one after the other). Rows are independent, so order does not matter.
  let inserted = 0;
  for (let i = 0; i < rows.length; i += 2 * batch) {
    const counts = await Promise.all([insertPart(i), ...(i + batch < rows.length ? [insertPart(i + batch)] : [])]);
    for (const n of counts) inserted += n;
  }
  return inserted;
}

// ── runs ────────────────────────────────────────────────────────────────────────────────────────

/**
 * Insert a run and its variants in one transaction. Returns false when the run's schedule slot is
 * already taken (the nightly trigger fired twice): one run per policy per slot.
 */
export async function insertRun(db: Db, run: NewRunRow, variants: readonly RunVariant[]): Promise<boolean> {
  return db.transaction(async (tx) => {
    const created = await tx.insert(runs).values(run).onConflictDoNothing().returning({ id: runs.id });
    if (created.length === 0) return false;
    await tx
      .insert(runVariants)
      .values(
        variants.map((v) => ({
          runId: run.id,
          idx: v.idx,
          name: v.name,
          versionId: v.versionId,
          version: v.version,
          spec: v.spec,
          isBaseline: v.isBaseline,
        })),
      );
    return true;
  });
}

export async function getRun(db: Db, id: string): Promise<(RunRow & { policyName: string }) | undefined> {
  const rows = await db
    .select({ run: runs, policyName: policies.name })
    .from(runs)
    .innerJoin(policies, eq(policies.id, runs.policyId))
    .where(eq(runs.id, id))
    .limit(1);
  const r = rows[0];
  return r ? { ...r.run, policyName: r.policyName } : undefined;
}

export async function getRunBySlot(db: Db, policyId: number, slot: string): Promise<RunRow | undefined> {
  const rows = await db
    .select()
    .from(runs)
    .where(and(eq(runs.policyId, policyId), eq(runs.scheduleSlot, slot)))
    .limit(1);
  return rows[0];
}

export interface RunListItem {
  id: string;
  policy: string;
  status: RunStatus;
  sourceKind: string;
  sourceName: string;
  pairs: number;
  modelCalls: number;
  costUsd: number;
  coverage: number | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export async function listRuns(db: Db, limit = 100): Promise<RunListItem[]> {
  const rows = await db
    .select({ run: runs, policy: policies.name })
    .from(runs)
    .innerJoin(policies, eq(policies.id, runs.policyId))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(limit);
  return rows.map(({ run, policy }) => ({
    id: run.id,
    policy,
    status: run.status as RunStatus,
    sourceKind: run.sourceKind,
    sourceName: run.sourceName,
    pairs: run.pairs,
    modelCalls: run.modelCalls,
    costUsd: run.costUsd,
    coverage: run.coverage,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
  }));
}

export async function getVariants(db: Db, runId: string): Promise<RunVariant[]> {
  const rows = await db.select().from(runVariants).where(eq(runVariants.runId, runId)).orderBy(asc(runVariants.idx));
  return rows.map((v) => ({
    idx: v.idx,
    name: v.name,
    version: v.version,
    versionId: v.versionId,
    spec: v.spec,
    isBaseline: v.isBaseline,
  }));
}

export async function setRunStatus(db: Db, runId: string, status: RunStatus, error?: string): Promise<void> {
  const finished = status === 'completed' || status === 'failed' || status === 'capped';
  await db
    .update(runs)
    .set({ status, ...(error !== undefined ? { error: redactString(error) } : {}), ...(finished ? { finishedAt: new Date() } : {}) })
    .where(eq(runs.id, runId));
}

/** A worker stored something for the run: it is making progress (by the database's clock). */
export async function touchRunProgress(db: Db, runId: string): Promise<void> {
  await db.execute(sql`update runs set progress_at = now() where id = ${runId} and status in ('queued', 'running')`);
}

/**
 * The stall detector: fail every queued or running run (or only `runId`) on which no worker has
 * stored anything for `stallMs`, with the reason, and give each of its (variant, case) without a
 * row a recorded failure — so no run is left running for ever and the checker's invariants hold.
 * Conditional on the status, so a run that finishes meanwhile is left alone. Returns the failed ids.
 */
export async function reapStalledRuns(db: Db, stallMs: number, runId?: string): Promise<string[]> {
  const secs = Math.max(0, stallMs) / 1000;
  const reason = `no progress for ${formatSeconds(secs)}: the workers stopped (crashed, hung on a case, or none is running)`;
  const failed = await query<{ id: string; pairs: number; stored: number }>(
    db,
    sql`
      update runs set status = 'failed', error = ${reason}, finished_at = now()
      where status in ('queued', 'running')
        and coalesce(progress_at, created_at) < now() - make_interval(secs => ${secs}::float8)
        ${runId === undefined ? sql`` : sql`and id = ${runId}`}
      returning id, pairs, (select count(*)::int from run_outcomes o where o.run_id = runs.id) as stored`,
  );
  for (const r of failed) {
    // Chunks that never finished are failed chunks: that is why their pairs have no outcome.
    await db.execute(sql`
      insert into run_chunks (run_id, chunk, status, error)
      select distinct ${r.id}, c.chunk, 'failed', ${reason} from run_cases c where c.run_id = ${r.id}
      on conflict do nothing`);
    await recordMissingFailures(db, r.id, `run failed: ${reason} after ${r.stored} of ${r.pairs} pairs`);
  }
  return failed.map((r) => r.id);
}

function formatSeconds(secs: number): string {
  return secs >= 120 ? `${Math.round(secs / 60)} min` : `${Number(secs.toFixed(1))} s`;
}

/** Planning is done: record the counts and move a queued run to running (never back from finished). */
export async function markPlanned(db: Db, runId: string, plan: { pairs: number; chunks: number; notes: string[] }): Promise<void> {
  await db
    .update(runs)
    .set({
      pairs: plan.pairs,
      chunks: plan.chunks,
      notes: plan.notes,
      status: sql`case when ${runs.status} = 'queued' then 'running' else ${runs.status} end`,
    })
    .where(eq(runs.id, runId));
}

export interface RunTotals {
  modelCalls: number;
  cacheHits: number;
  recorded: number;
  costUsd: number;
  coverage: number;
  status: RunStatus;
  notes: string[];
  error?: string;
}

export async function finishRun(db: Db, runId: string, totals: RunTotals): Promise<void> {
  await db
    .update(runs)
    .set({
      modelCalls: totals.modelCalls,
      cacheHits: totals.cacheHits,
      recorded: totals.recorded,
      costUsd: totals.costUsd,
      coverage: totals.coverage,
      status: totals.status,
      notes: totals.notes,
      ...(totals.error !== undefined ? { error: totals.error } : {}),
      finishedAt: new Date(),
    })
    .where(eq(runs.id, runId));
}

// ── cost cap ────────────────────────────────────────────────────────────────────────────────────

/**
 * Reserve a call's estimated cost before making it. Atomic in the database, so any number of workers
 * together stay under the cap: false (and the run flagged capped) once the next call would exceed it.
 * Counts every attempted call, duplicates after a crash included.
 */
export async function reserveCall(db: Db, runId: string, estimateUsd: number): Promise<boolean> {
  const ok = await db
    .update(runs)
    .set({ reservedUsd: sql`${runs.reservedUsd} + ${estimateUsd}`, callsAttempted: sql`${runs.callsAttempted} + 1` })
    .where(
      and(
        eq(runs.id, runId),
        eq(runs.capReached, false),
        sql`(${runs.costCapUsd} is null or ${runs.reservedUsd} + ${estimateUsd} <= ${runs.costCapUsd})`,
      ),
    )
    .returning({ id: runs.id });
  if (ok.length > 0) return true;
  await db.update(runs).set({ capReached: true }).where(eq(runs.id, runId));
  return false;
}

/** Replace reserved estimates by what the calls really cost. */
export async function settleReserved(db: Db, runId: string, deltaUsd: number): Promise<void> {
  if (deltaUsd === 0) return;
  await db
    .update(runs)
    .set({ reservedUsd: sql`greatest(0, ${runs.reservedUsd} + ${deltaUsd})` })
    .where(eq(runs.id, runId));
}

/**
 * Reserve an LLM-judge call's estimated cost under the same cap as model calls. Not counted in
 * calls_attempted: that counter finds repeated model calls against stored outcome rows.
 */
export async function reserveJudgeCall(db: Db, runId: string, estimateUsd: number): Promise<boolean> {
  const ok = await db
    .update(runs)
    .set({ reservedUsd: sql`${runs.reservedUsd} + ${estimateUsd}` })
    .where(
      and(
        eq(runs.id, runId),
        eq(runs.capReached, false),
        sql`(${runs.costCapUsd} is null or ${runs.reservedUsd} + ${estimateUsd} <= ${runs.costCapUsd})`,
      ),
    )
    .returning({ id: runs.id });
  if (ok.length > 0) return true;
  await db.update(runs).set({ capReached: true }).where(eq(runs.id, runId));
  return false;
}

/** A judge call's estimate replaced by what it cost, which is added to the run's judge spend. */
export async function settleJudgeCall(db: Db, runId: string, estimateUsd: number, actualUsd: number): Promise<void> {
  await db
    .update(runs)
    .set({
      reservedUsd: sql`greatest(0, ${runs.reservedUsd} + ${actualUsd - estimateUsd})`,
      judgeCostUsd: sql`${runs.judgeCostUsd} + ${actualUsd}`,
    })
    .where(eq(runs.id, runId));
}

// ── cases ───────────────────────────────────────────────────────────────────────────────────────

const CASE_COLUMNS = [
  ['run_id', 'text'],
  ['case_id', 'text'],
  ['split', 'text'],
  ['ts', 'timestamptz'],
  ['metadata', 'jsonb'],
  ['params', 'jsonb'],
  ['input_tokens', 'integer'],
  ['input', 'jsonb'],
  ['chunk', 'integer'],
  ['golden_case_id', 'text'],
] as const;

export async function insertRunCases(db: Db, runId: string, cases: readonly PlannedCase[]): Promise<number> {
  return insertJsonRows(
    db,
    'run_cases',
    CASE_COLUMNS,
    cases.map((c) => ({
      run_id: runId,
      case_id: c.case_id,
      split: c.split,
      ts: c.timestamp,
      metadata: c.metadata,
      params: c.params,
      input_tokens: Math.round(c.input_tokens),
      input: c.input ?? null,
      chunk: c.chunk,
      golden_case_id: c.golden_case_id,
    })),
  );
}

export async function countRunCases(db: Db, runId: string): Promise<number> {
  const r = await query<{ n: number }>(db, sql`select count(*)::int as n from run_cases where run_id = ${runId}`);
  return Number(r[0]?.n ?? 0);
}

function toPlanned(c: typeof runCases.$inferSelect): PlannedCase {
  return {
    case_id: c.caseId,
    split: c.split as Split,
    timestamp: c.ts ? c.ts.toISOString() : null,
    metadata: c.metadata,
    params: c.params,
    input_tokens: c.inputTokens,
    input: c.input ?? null,
    chunk: c.chunk,
    golden_case_id: c.goldenCaseId,
  };
}

export async function loadCases(db: Db, runId: string, chunk?: number): Promise<PlannedCase[]> {
  const where = chunk === undefined ? eq(runCases.runId, runId) : and(eq(runCases.runId, runId), eq(runCases.chunk, chunk));
  const rows = await db.select().from(runCases).where(where).orderBy(asc(runCases.caseId));
  return rows.map(toPlanned);
}

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
export async function storedPairs(db: Db, runId: string, caseIds: readonly string[]): Promise<Set<string>> {
  if (caseIds.length === 0) return new Set();
  const rows = await db
    .select({ c: runOutcomes.caseId, m: runOutcomes.model })
    .from(runOutcomes)
    .where(and(eq(runOutcomes.runId, runId), inArray(runOutcomes.caseId, [...caseIds])));
  return new Set(rows.map((r) => `${r.c}\u0000${r.m}`));
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

// ── chunks ──────────────────────────────────────────────────────────────────────────────────────

export async function markChunk(db: Db, runId: string, chunk: number, status: 'done' | 'failed', error?: string): Promise<void> {
  await db
    .insert(runChunks)
    .values({ runId, chunk, status, error: error === undefined ? null : redactString(error) })
    .onConflictDoNothing();
}

export async function chunkStatuses(db: Db, runId: string): Promise<Map<number, { status: string; error: string | null }>> {
  const rows = await db.select().from(runChunks).where(eq(runChunks.runId, runId));
  return new Map(rows.map((r) => [r.chunk, { status: r.status, error: r.error }]));
}

export interface RunProgress {
  status: RunStatus;
  chunks: number;
  chunksFinished: number;
  pairs: number;
  pairsStored: number;
}

export async function runProgress(db: Db, runId: string): Promise<RunProgress | undefined> {
  const r = await query<{ status: string; chunks: number; pairs: number; finished: number; stored: number }>(
    db,
    sql`select r.status, r.chunks, r.pairs,
               (select count(*)::int from run_chunks c where c.run_id = r.id) as finished,
               (select count(*)::int from run_outcomes o where o.run_id = r.id) as stored
          from runs r where r.id = ${runId}`,
  );
  const row = r[0];
  if (!row) return undefined;
  return {
    status: row.status as RunStatus,
    chunks: Number(row.chunks),
    chunksFinished: Number(row.finished),
    pairs: Number(row.pairs),
    pairsStored: Number(row.stored),
  };
}

// ── variant results ─────────────────────────────────────────────────────────────────────────────

const RESULT_COLUMNS = [
  ['run_id', 'text'],
  ['variant_idx', 'integer'],
  ['case_id', 'text'],
  ['quality', 'double precision'],
  ['cost_usd', 'double precision'],
  ['latency_ms', 'double precision'],
  ['p_error', 'double precision'],
  ['p_guardrail_block', 'double precision'],
  ['p_budget_block', 'double precision'],
  ['served', 'jsonb'],
  ['path', 'jsonb'],
  ['flagged', 'boolean'],
  ['failure', 'text'],
] as const;

export async function insertVariantResults(
  db: Db,
  runId: string,
  variantIdx: number,
  results: readonly VariantCaseResult[],
): Promise<number> {
  return insertJsonRows(
    db,
    'variant_results',
    RESULT_COLUMNS,
    results.map((r) => ({
      run_id: runId,
      variant_idx: variantIdx,
      case_id: r.case_id,
      quality: r.quality,
      cost_usd: r.cost_usd,
      latency_ms: r.latency_ms,
      p_error: r.p_error,
      p_guardrail_block: r.p_guardrail_block,
      p_budget_block: r.p_budget_block,
      served: r.served,
      path: r.path,
      flagged: r.flagged,
      failure: null,
    })),
  );
}

/** A case the variant could not be evaluated on (its chunk failed, or the cap left it unfetched). */
export async function insertVariantFailures(db: Db, runId: string, variantIdx: number, failures: readonly CaseFailure[]): Promise<number> {
  return insertJsonRows(
    db,
    'variant_results',
    RESULT_COLUMNS,
    failures.map((f) => ({ run_id: runId, variant_idx: variantIdx, case_id: f.case_id, flagged: false, failure: f.failure })),
  );
}

/**
 * Give every (variant, case) of the run that has no row yet a recorded failure, so a run that ends
 * badly still holds exactly one result or one failure per (variant, case). Idempotent.
 */
export async function recordMissingFailures(db: Db, runId: string, failure: string): Promise<void> {
  await db.execute(sql`
    insert into variant_results (run_id, variant_idx, case_id, flagged, failure)
    select v.run_id, v.idx, c.case_id, false, ${failure}
    from run_variants v join run_cases c on c.run_id = v.run_id
    where v.run_id = ${runId}
    on conflict do nothing`);
}

export interface VariantFiguresRow {
  idx: number;
  cases: number;
  failures: number;
  quality: number;
  cost_per_1k: number;
  p95_ms: number;
  error_rate: number;
}

/** Headline figures per variant, computed in the database (p95 by linear interpolation, as src/stats). */
export async function variantFigures(db: Db, runId: string): Promise<VariantFiguresRow[]> {
  const rows = await query<Record<string, number | null>>(
    db,
    sql`select variant_idx as idx,
               (count(*) filter (where failure is null))::int as cases,
               (count(*) filter (where failure is not null))::int as failures,
               coalesce(avg(quality) filter (where failure is null), 0)::float8 as quality,
               coalesce(avg(cost_usd) filter (where failure is null), 0)::float8 * 1000 as cost_per_1k,
               coalesce(percentile_cont(0.95) within group (order by latency_ms) filter (where failure is null), 0)::float8 as p95_ms,
               coalesce(avg(p_error) filter (where failure is null), 0)::float8 as error_rate
          from variant_results where run_id = ${runId} group by variant_idx order by variant_idx`,
  );
  return rows.map((r) => ({
    idx: Number(r.idx),
    cases: Number(r.cases),
    failures: Number(r.failures),
    quality: Number(r.quality),
    cost_per_1k: Number(r.cost_per_1k),
    p95_ms: Number(r.p95_ms),
    error_rate: Number(r.error_rate),
  }));
}

/** Everything the stats, proposal and dashboard code needs about a finished run. */
export async function loadRunData(db: Db, runId: string): Promise<RunData | undefined> {
  const run = (await db.select().from(runs).where(eq(runs.id, runId)).limit(1))[0];
  if (!run) return undefined;
  const [variants, cases, outcomes, rows] = await Promise.all([
    getVariants(db, runId),
    loadCases(db, runId),
    loadOutcomes(db, runId),
    db
      .select()
      .from(variantResults)
      .where(eq(variantResults.runId, runId))
      .orderBy(asc(variantResults.variantIdx), asc(variantResults.caseId)),
  ]);
  const results = new Map<number, VariantCaseResult[]>(variants.map((v) => [v.idx, []]));
  const failures = new Map<number, CaseFailure[]>(variants.map((v) => [v.idx, []]));
  for (const r of rows) {
    if (r.failure !== null) {
      failures.get(r.variantIdx)?.push({ case_id: r.caseId, failure: r.failure });
      continue;
    }
    results.get(r.variantIdx)?.push({
      case_id: r.caseId,
      quality: r.quality ?? 0,
      cost_usd: r.costUsd ?? 0,
      latency_ms: r.latencyMs ?? 0,
      p_error: r.pError ?? 0,
      p_guardrail_block: r.pGuardrailBlock ?? 0,
      p_budget_block: r.pBudgetBlock ?? 0,
      served: r.served ?? {},
      path: r.path ?? [],
      flagged: r.flagged,
    });
  }
  const plain: RunCase[] = cases.map(({ chunk: _c, golden_case_id: _g, ...c }) => c);
  return { run, variants, cases: plain, outcomes, results, failures };
}

// ── sources (read-only lookups over the traffic, golden and outcomes tables) ────────────────────

/** The id (and sample rate) of a run's source by name, or undefined when there is none. */
export async function findSource(
  db: Db,
  kind: 'sample' | 'golden' | 'outcomes',
  name: string,
): Promise<{ id: number; rate: number } | undefined> {
  const table = kind === 'sample' ? 'samples' : kind === 'golden' ? 'golden_sets' : 'outcome_sets';
  const rate = kind === 'sample' ? 'rate' : '1';
  const rows = await query<{ id: number; rate: number }>(
    db,
    sql`select id, ${sql.raw(rate)}::float8 as rate from ${sql.raw(table)} where name = ${name} limit 1`,
  );
  const r = rows[0];
  return r ? { id: Number(r.id), rate: Number(r.rate) } : undefined;
}

/** Models with at least one row in a recorded-outcomes set. */
export async function recordedModels(db: Db, setId: number): Promise<string[]> {
  const rows = await query<{ model: string }>(db, sql`select distinct model from recorded_outcomes where set_id = ${setId} order by 1`);
  return rows.map((r) => r.model);
}

export interface TrafficInput {
  id: string;
  messages: Array<{ role: string; content: string }>;
  params: Record<string, unknown>;
  /** The original response's text: the reference for sampled cases no golden case matches. */
  original: string | null;
}

/** Request content of some traffic records, by id (a chunk needs its own cases only). */
export async function loadTrafficInputs(db: Db, ids: readonly string[]): Promise<Map<string, TrafficInput>> {
  if (ids.length === 0) return new Map();
  const rows = await query<{
    id: string;
    request: { messages: Array<{ role: string; content: string }>; params: Record<string, unknown> };
    response: { output: string | null };
  }>(db, sql`select id, request, response from traffic where id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`);
  return new Map(
    rows.map((r) => {
      const request = typeof r.request === 'string' ? JSON.parse(r.request) : r.request;
      const response = typeof r.response === 'string' ? JSON.parse(r.response) : r.response;
      return [r.id, { id: r.id, messages: request.messages ?? [], params: request.params ?? {}, original: response?.output ?? null }];
    }),
  );
}

export async function goldenSetNameById(db: Db, id: number): Promise<string> {
  const rows = await query<{ name: string }>(db, sql`select name from golden_sets where id = ${id}`);
  const name = rows[0]?.name;
  if (name === undefined) throw new Error(`golden set #${id} no longer exists`);
  return name;
}
