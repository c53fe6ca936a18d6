import { sql } from 'drizzle-orm';
import type { PolicySpec } from '../../src/domain/policy-spec.js';
import { reachableModels } from '../../src/policy/index.js';
import type { Store } from '../../src/store/db.js';

/**
 * The exactly-once checker every reliability scenario ends with. After a run has finished it reads
 * the run's rows straight from the tables (src/store/schema/runs.ts) and compares them with what the
 * plan implies:
 * - every (run, variant, case) has exactly one variant_results row, holding either a result
 *   (quality set, failure null) or a recorded failure (failure set, quality null) — never both,
 *   never neither, and no row for a variant or case the run does not have;
 * - every planned (case, model) — the run's cases × the union of models its variants reach — has
 *   exactly one run_outcomes row, unless the run records why it has none (cost cap, failed chunk),
 *   and no outcome row exists outside the plan;
 * - the run's counters agree with the rows: model_calls + cache_hits + recorded = outcome rows.
 */
export interface RunCheck {
  runId: string;
  status: string;
  variants: number;
  cases: number;
  models: string[];
  plannedPairs: number;
  outcomeRows: number;
  /** Planned pairs without an outcome row (allowed only when the run says why: cap, failed chunk). */
  missingOutcomes: string[];
  /** Outcome rows for a (case, model) outside the plan. */
  extraOutcomes: string[];
  resultRows: number;
  /** (variant, case) keys without a variant_results row. */
  missingResults: string[];
  /** variant_results rows for a variant or case the run does not have. */
  extraResults: string[];
  /** Rows holding both a result and a failure, or neither. */
  ambiguousResults: string[];
  recordedFailures: number;
  /** Provider calls started (duplicates after a crash included) minus pairs stored from calls. */
  duplicateCalls: number;
  counters: { pairs: number; modelCalls: number; cacheHits: number; recorded: number; callsAttempted: number };
  problems: string[];
}

const key = (...parts: Array<string | number>) => parts.join(' / ');

export async function checkRun(store: Pick<Store, 'rows'>, runId: string): Promise<RunCheck> {
  const [run] = await store.rows<{
    status: string;
    pairs: number;
    model_calls: number;
    cache_hits: number;
    recorded: number;
    calls_attempted: number;
    cap_reached: boolean;
  }>(sql`select status, pairs, model_calls, cache_hits, recorded, calls_attempted, cap_reached from runs where id = ${runId}`);
  if (!run) throw new Error(`checker: run ${runId} does not exist`);
  const variants = await store.rows<{ idx: number; spec: PolicySpec }>(
    sql`select idx, spec from run_variants where run_id = ${runId} order by idx`,
  );
  const cases = await store.rows<{ case_id: string; chunk: number }>(sql`select case_id, chunk from run_cases where run_id = ${runId}`);
  const failedChunks = new Set(
    (await store.rows<{ chunk: number }>(sql`select chunk from run_chunks where run_id = ${runId} and status = 'failed'`)).map((r) =>
      Number(r.chunk),
    ),
  );
  const outcomes = await store.rows<{ case_id: string; model: string; source: string }>(
    sql`select case_id, model, source from run_outcomes where run_id = ${runId}`,
  );
  const results = await store.rows<{ variant_idx: number; case_id: string; quality: number | null; failure: string | null }>(
    sql`select variant_idx, case_id, quality, failure from variant_results where run_id = ${runId}`,
  );

  const models = [...new Set(variants.flatMap((v) => reachableModels(v.spec)))].sort();
  const caseIds = new Set(cases.map((c) => c.case_id));
  const chunkOf = new Map(cases.map((c) => [c.case_id, Number(c.chunk)]));
  const variantIdx = new Set(variants.map((v) => Number(v.idx)));
  const problems: string[] = [];

  const outcomeKeys = new Map<string, number>();
  for (const o of outcomes) outcomeKeys.set(key(o.case_id, o.model), (outcomeKeys.get(key(o.case_id, o.model)) ?? 0) + 1);
  for (const [k, n] of outcomeKeys) if (n > 1) problems.push(`outcome ${k} stored ${n} times`);
  const missingOutcomes: string[] = [];
  for (const c of cases) for (const m of models) if (!outcomeKeys.has(key(c.case_id, m))) missingOutcomes.push(key(c.case_id, m));
  const extraOutcomes = outcomes.filter((o) => !caseIds.has(o.case_id) || !models.includes(o.model)).map((o) => key(o.case_id, o.model));

  const resultKeys = new Map<string, number>();
  const ambiguousResults: string[] = [];
  let recordedFailures = 0;
  for (const r of results) {
    const k = key(r.variant_idx, r.case_id);
    resultKeys.set(k, (resultKeys.get(k) ?? 0) + 1);
    const hasResult = r.quality !== null;
    const hasFailure = r.failure !== null;
    if (hasResult === hasFailure) ambiguousResults.push(k);
    if (hasFailure) recordedFailures++;
  }
  for (const [k, n] of resultKeys) if (n > 1) problems.push(`variant result ${k} stored ${n} times`);
  const missingResults: string[] = [];
  for (const v of variants) for (const c of cases) if (!resultKeys.has(key(v.idx, c.case_id))) missingResults.push(key(v.idx, c.case_id));
  const extraResults = results
    .filter((r) => !variantIdx.has(Number(r.variant_idx)) || !caseIds.has(r.case_id))
    .map((r) => key(r.variant_idx, r.case_id));

  const unexplained = missingOutcomes.filter((k) => {
    const caseId = k.slice(0, k.lastIndexOf(' / '));
    return !run.cap_reached && !failedChunks.has(chunkOf.get(caseId) ?? -1);
  });
  if (unexplained.length)
    problems.push(
      `${unexplained.length} planned pair(s) have no outcome and the run does not say why, e.g. ${unexplained.slice(0, 3).join(', ')}`,
    );
  if (extraOutcomes.length)
    problems.push(`${extraOutcomes.length} outcome row(s) outside the plan, e.g. ${extraOutcomes.slice(0, 3).join(', ')}`);
  if (missingResults.length)
    problems.push(`${missingResults.length} (variant, case) without a result or failure, e.g. ${missingResults.slice(0, 3).join(', ')}`);
  if (extraResults.length) problems.push(`${extraResults.length} result row(s) for a variant or case the run lacks`);
  if (ambiguousResults.length)
    problems.push(
      `${ambiguousResults.length} result row(s) hold both a result and a failure, or neither, e.g. ${ambiguousResults.slice(0, 3).join(', ')}`,
    );

  const plannedPairs = cases.length * models.length;
  const counters = {
    pairs: Number(run.pairs),
    modelCalls: Number(run.model_calls),
    cacheHits: Number(run.cache_hits),
    recorded: Number(run.recorded),
    callsAttempted: Number(run.calls_attempted),
  };
  if (counters.pairs !== plannedPairs) problems.push(`runs.pairs is ${counters.pairs}, the plan has ${plannedPairs}`);
  const finished = ['completed', 'failed', 'capped'].includes(run.status);
  if (finished && counters.modelCalls + counters.cacheHits + counters.recorded !== outcomes.length) {
    problems.push(
      `model_calls ${counters.modelCalls} + cache_hits ${counters.cacheHits} + recorded ${counters.recorded} ≠ ${outcomes.length} outcome rows`,
    );
  }
  const callsStored = outcomes.filter((o) => o.source === 'call').length;
  return {
    runId,
    status: run.status,
    variants: variants.length,
    cases: cases.length,
    models,
    plannedPairs,
    outcomeRows: outcomes.length,
    missingOutcomes,
    extraOutcomes,
    resultRows: results.length,
    missingResults,
    extraResults,
    ambiguousResults,
    recordedFailures,
    duplicateCalls: Math.max(0, counters.callsAttempted - callsStored),
    counters,
    problems,
  };
}

/** checkRun, throwing with every problem listed when the run is not exactly-once. */
export async function assertExactlyOnce(store: Pick<Store, 'rows'>, runId: string): Promise<RunCheck> {
  const check = await checkRun(store, runId);
  if (check.problems.length) throw new Error(`run ${runId} is not exactly-once:\n  - ${check.problems.join('\n  - ')}`);
  return check;
}

/**
 * The promotion checker: no active version without a successful deploy. Every active version was
 * either made active where it was created (`policy add/import`) or is the target of a `deployed`
 * journal row; no journal row is left `promoting` by a process that is gone (`isAlive`); a failed
 * row's export file does not exist; a deployed row's does.
 */
export async function checkPromotions(
  store: Pick<Store, 'rows'>,
  isAlive: (owner: string | null) => boolean,
  exists: (file: string) => boolean,
): Promise<string[]> {
  const problems: string[] = [];
  const active = await store.rows<{ name: string; version: number; origin: string; deployed: boolean }>(sql`
    select p.name, v.version, v.origin,
      exists (select 1 from promotions pr where pr.to_version_id = v.id and pr.state = 'deployed') as deployed
    from policy_versions v join policies p on p.id = v.policy_id where v.is_active`);
  for (const a of active)
    if (a.origin === 'promote' && !a.deployed) problems.push(`${a.name} v${a.version} is active without a successful deploy`);
  const journal = await store.rows<{ id: string; state: string; owner: string | null; exports: string[] }>(
    sql`select id, state, owner, exports from promotions`,
  );
  for (const j of journal) {
    if (j.state === 'promoting' && !isAlive(j.owner)) problems.push(`${j.id} is left promoting by ${j.owner ?? '?'}, which is gone`);
    if (j.state === 'failed') for (const f of j.exports ?? []) if (exists(f)) problems.push(`${j.id} failed but its export ${f} exists`);
    if (j.state === 'deployed')
      for (const f of j.exports ?? []) if (!exists(f)) problems.push(`${j.id} deployed but its export ${f} is missing`);
  }
  return problems;
}
