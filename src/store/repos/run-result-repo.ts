// Per-variant case results and failures, headline figures, and everything a finished run's readers need.
import { asc, eq, sql } from 'drizzle-orm';
import type { Outcome } from '../../domain/outcome.js';
import type { RunCase, VariantCaseResult } from '../../domain/run.js';
import type { Db } from '../db.js';
import { runs, variantResults } from '../schema/runs.js';
import { insertJsonRows, query } from './json-rows.js';
import { loadCases } from './run-case-repo.js';
import { loadOutcomes } from './run-outcome-repo.js';
import { getVariants, type RunRow, type RunVariant } from './run-repo.js';

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
