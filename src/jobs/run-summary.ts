import type { ModelCacheStats, RunStatus, RunSummary } from '../domain/run.js';
import type { Db } from '../store/db.js';
import { cacheStatsByModel } from '../store/repos/run-outcome-repo.js';
import { getRun, getVariants } from '../store/repos/run-repo.js';
import { variantFigures } from '../store/repos/run-result-repo.js';

/** `run --json` / `runs show --json`: the contract of issue 4, plus coverage and the notes to say. */
export interface RunReport extends RunSummary {
  policy: string;
  source: { kind: string; name: string };
  coverage: number | null;
  cost_cap_usd: number | null;
  notes: string[];
  error: string | null;
  /** `use`, `off` (--no-cache) or `only` (--cache-only). */
  cache_mode: string;
  refresh_rate: number;
  /** Per model: pairs from the cache, called (misses) and re-asked though cached (refreshes). */
  cache: ModelCacheStats[];
}

export async function runReport(db: Db, runId: string): Promise<RunReport | undefined> {
  const run = await getRun(db, runId);
  if (!run) return undefined;
  const [variants, figures, cache] = await Promise.all([getVariants(db, runId), variantFigures(db, runId), cacheStatsByModel(db, runId)]);
  const byIdx = new Map(figures.map((f) => [f.idx, f]));
  return {
    run_id: run.id,
    status: run.status as RunStatus,
    pairs: run.pairs,
    model_calls: run.modelCalls,
    cache_hits: run.cacheHits,
    recorded: run.recorded,
    cost_usd: run.costUsd,
    variants: variants.map((v) => {
      const f = byIdx.get(v.idx);
      return {
        name: v.name,
        version: v.version,
        cases: f?.cases ?? 0,
        quality: f?.quality ?? 0,
        cost_per_1k: f?.cost_per_1k ?? 0,
        p95_ms: f?.p95_ms ?? 0,
        error_rate: f?.error_rate ?? 0,
      };
    }),
    policy: run.policyName,
    source: { kind: run.sourceKind, name: run.sourceName },
    coverage: run.coverage,
    cost_cap_usd: run.costCapUsd,
    notes: run.notes,
    error: run.error,
    cache_mode: run.cacheMode,
    refresh_rate: run.refreshRate,
    cache,
  };
}
