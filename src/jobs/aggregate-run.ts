import type { Outcome } from '../domain/outcome.js';
import { reachableModels } from '../policy/index.js';
import { evaluateVariant } from '../replay/evaluate-variant.js';
import { buildOutcomeMatrix, missingModels, type OutcomeMatrix } from '../replay/outcome-matrix.js';
import type { Db } from '../store/db.js';
import { getModels } from '../store/repos/catalog-repo.js';
import { storeRunAggregates } from '../store/repos/nightly-repo.js';
import { loadCases, type PlannedCase } from '../store/repos/run-case-repo.js';
import { chunkStatuses, markChunk } from '../store/repos/run-chunk-repo.js';
import { loadOutcomes, outcomeCounts, type OutcomeCounts } from '../store/repos/run-outcome-repo.js';
import { finishRun, getRun, getVariants, type RunRow, type RunVariant } from '../store/repos/run-repo.js';
import { insertVariantFailures, insertVariantResults, type CaseFailure } from '../store/repos/run-result-repo.js';

/**
 * The run's last step, once every chunk has finished or failed for good: evaluate every variant over
 * the whole outcome matrix (one pure pass each, timestamp order for stateful parts), store one result
 * or one recorded failure per (variant, case), and count calls, cache hits and cost from the stored
 * outcomes. Safe to run twice: the second run inserts nothing and writes the same totals.
 */
export async function aggregateRun(db: Db, runId: string): Promise<void> {
  const run = await getRun(db, runId);
  if (!run) throw new Error(`run ${runId} does not exist`);
  const statuses = await chunkStatuses(db, runId);
  for (let chunk = 0; chunk < run.chunks; chunk++) {
    // A chunk that never reported is treated as failed (its job was lost): its cases are failures.
    if (!statuses.has(chunk)) {
      await markChunk(db, runId, chunk, 'failed', 'chunk did not finish');
      statuses.set(chunk, { status: 'failed', error: 'chunk did not finish' });
    }
  }
  const [variants, cases, outcomes] = await Promise.all([getVariants(db, runId), loadCases(db, runId), loadOutcomes(db, runId)]);
  const matrix = buildOutcomeMatrix(outcomes);
  let evaluated = 0;
  for (const v of variants) evaluated += await evaluateAndStore(db, run, v, cases, statuses, matrix);

  const counts = await outcomeCounts(db, runId);
  const total = variants.length * cases.length;
  const coverage = total === 0 ? 1 : evaluated / total;
  // The model asked is the catalog name or the upstream id it sends (providers may add a version suffix).
  const upstream = await getModels(db, [...new Set(outcomes.map((o) => o.model))]);
  const notes = aggregateNotes(run, { statuses, coverage, total, evaluated, counts, outcomes, upstream });

  const status = cases.length === 0 ? 'failed' : run.capReached ? 'capped' : evaluated === 0 ? 'failed' : 'completed';
  await finishRun(db, runId, {
    modelCalls: counts.calls,
    cacheHits: counts.cacheHits,
    recorded: counts.recorded,
    // A sum of doubles in whatever order the database scans them differs in the last bits from run to
    // run; to the nano-dollar it is the same figure for the same seed. Judge calls count in the cost.
    costUsd: Math.round((counts.callCostUsd + run.judgeCostUsd) * 1e9) / 1e9,
    coverage,
    status,
    notes,
    ...(cases.length === 0
      ? { error: `${run.sourceKind} "${run.sourceName}" has no cases to replay` }
      : evaluated === 0 && !run.capReached
        ? { error: 'no case could be evaluated (see notes)' }
        : {}),
  });
  // The figures `trends` reads, written once here so trends never scans outcomes.
  if (status !== 'failed') await storeRunAggregates(db, runId);
}

const round6 = (usd: number) => Math.round(usd * 1e6) / 1e6;

const AGGREGATE_NOTE =
  /^(LLM-judge calls cost |cost cap of |coverage |--cache-only: |\d+ outcome\(s\) were answered |\d+ provider call\(s\) were repeated )/;

function missingReason(capped: boolean, sourceKind: string, missing: string[]): string {
  if (capped) return `not fetched (cost cap reached): ${missing.join(', ')}`;
  if (sourceKind === 'outcomes') return `no recorded outcome for ${missing.join(', ')}`;
  return `no outcome for ${missing.join(', ')}`;
}

/**
 * One variant over the cases whose chunk finished and whose models all answered: its results and
 * its recorded failures stored. Returns how many cases it was evaluated on.
 */
async function evaluateAndStore(
  db: Db,
  run: RunRow,
  v: RunVariant,
  cases: readonly PlannedCase[],
  statuses: ReadonlyMap<number, { status: string; error: string | null }>,
  matrix: OutcomeMatrix,
): Promise<number> {
  const needed = reachableModels(v.spec);
  const ok: PlannedCase[] = [];
  const failures: CaseFailure[] = [];
  for (const c of cases) {
    const chunk = statuses.get(c.chunk);
    if (chunk?.status === 'failed') {
      failures.push({ case_id: c.case_id, failure: `chunk ${c.chunk} failed: ${chunk.error ?? 'unknown error'}` });
      continue;
    }
    const missing = missingModels(matrix, c.case_id, needed);
    if (missing.length === 0) ok.push(c);
    else failures.push({ case_id: c.case_id, failure: missingReason(run.capReached, run.sourceKind, missing) });
  }
  let results: ReturnType<typeof evaluateVariant> = [];
  try {
    results = evaluateVariant(v.spec, ok, matrix, { rate: run.rate, seed: run.seed });
  } catch (e) {
    // Evaluation is pure, so a throw is the variant's own limit (e.g. too many routing paths to
    // enumerate), not a passing fault: retrying cannot help. Its cases become recorded failures
    // and the other variants are still evaluated.
    const reason = `variant "${v.name}" could not be evaluated: ${e instanceof Error ? e.message : String(e)}`;
    for (const c of ok) failures.push({ case_id: c.case_id, failure: reason });
  }
  await insertVariantResults(db, run.id, v.idx, results);
  await insertVariantFailures(db, run.id, v.idx, failures);
  return results.length;
}

/** The run's notes: planning's kept, this step's rewritten (so aggregating twice says each once). */
function aggregateNotes(
  run: RunRow,
  f: {
    statuses: ReadonlyMap<number, { status: string; error: string | null }>;
    coverage: number;
    total: number;
    evaluated: number;
    counts: OutcomeCounts;
    outcomes: readonly Outcome[];
    upstream: ReadonlyMap<string, { model?: string }>;
  },
): string[] {
  const { statuses, coverage, total, evaluated, counts, outcomes, upstream } = f;
  // Notes from planning stay; the ones written here are rewritten, so aggregating twice says each once.
  const notes = run.notes.filter((n) => !AGGREGATE_NOTE.test(n));
  if (run.judgeCostUsd > 0) notes.push(`LLM-judge calls cost $${round6(run.judgeCostUsd)}, included in the run's cost`);
  if (run.capReached)
    notes.push(`cost cap of $${run.costCapUsd} reached: fetching stopped before exceeding it; unfetched cases are recorded failures`);
  const failedChunks = [...statuses.values()].filter((s) => s.status === 'failed').length;
  if (coverage < 1)
    notes.push(
      `coverage ${(coverage * 100).toFixed(1)}%: ${total - evaluated} of ${total} (variant, case) results are recorded failures${failedChunks ? ` (${failedChunks} chunk(s) failed)` : ''}`,
    );
  const asked = (o: { model: string; answered_by: string | null }) => {
    const id = upstream.get(o.model)?.model;
    return o.answered_by === o.model || (id !== undefined && (o.answered_by === id || (o.answered_by ?? '').startsWith(`${id}-`)));
  };
  const swapped = outcomes.filter((o) => o.answered_by !== null && !asked(o)).length;
  if (swapped > 0) notes.push(`${swapped} outcome(s) were answered by a different model than the one asked (see answered_by)`);
  const uncached = run.cacheMode === 'only' ? Math.max(0, run.pairs - counts.stored) : 0;
  if (uncached > 0) notes.push(`--cache-only: ${uncached} pair(s) had no cached answer and were not fetched`);
  const duplicates = Math.max(0, run.callsAttempted - counts.calls);
  if (duplicates > 0) notes.push(`${duplicates} provider call(s) were repeated after a worker was lost (not stored twice)`);
  return notes;
}
