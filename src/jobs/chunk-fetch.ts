// One (model, input) fetch of a chunk: the response cache first, then a call under the run's cost cap and the model's limits.
import type { CallResult } from '../domain/call-result.js';
import type { CatalogEntry } from '../domain/catalog-entry.js';
import { estimateCallCostUsd } from '../replay/cost-estimate.js';
import type { Db } from '../store/db.js';
import { dropOtherBuilds, getCached } from '../store/repos/response-cache-repo.js';
import type { PlannedCase } from '../store/repos/run-case-repo.js';
import type { RunRow } from '../store/repos/run-repo.js';
import { reserveCall } from '../store/repos/run-spend-repo.js';
import type { CaseInput } from './chunk-inputs.js';
import { unreadReply } from './chunk-outcomes.js';
import type { ModelLimiter } from './model-limiter.js';
import type { ChunkDeps, Fetched } from './process-chunk.js';
import { pickedForRefresh } from './refresh-pick.js';

/** An answer to write to the response cache once its outcome row is stored. */
export interface CacheWrite {
  key: string;
  model: string;
  result: CallResult;
  replace: boolean;
}

export interface ChunkFetcher {
  fetchOnce(key: string, c: PlannedCase, entry: CatalogEntry, input: CaseInput): Promise<Fetched | null>;
  /** The cache writes pending since the last call (the caller writes them after the outcomes). */
  takeCacheWrites(): CacheWrite[];
  /** What the calls made so far cost beyond their reserved estimates. */
  reservedDelta(): number;
}

export function chunkFetcher(db: Db, run: RunRow, runId: string, deps: ChunkDeps, limiter: ModelLimiter): ChunkFetcher {
  const toCache: CacheWrite[] = [];
  const now = () => deps.clock?.now() ?? Date.now();
  let reservedDelta = 0;

  const fetchOnce = async (key: string, c: PlannedCase, entry: CatalogEntry, input: CaseInput): Promise<Fetched | null> => {
    const model = entry.name;
    const found = run.cacheMode === 'off' ? null : await getCached(db, key);
    // An error this run itself cached (another worker's chunk, or this chunk before a redelivery) is
    // not served to the run's own identical requests: it is tried again, as a run always did; later
    // runs replay the error, so their error rate matches this one's.
    const ownError = found !== null && found.storedBy === runId && (found.result.status < 200 || found.result.status >= 300);
    const cached = ownError ? null : found;
    const expired = cached !== null && entry.cache_ttl_s != null && now() - cached.storedAt.getTime() >= entry.cache_ttl_s * 1000;
    // Picked by the request's cache key, not by the case that asked first, so the share re-asked is
    // the same however the run's chunks interleave.
    const refresh = cached !== null && !expired && pickedForRefresh(run.seed, key, model, run.refreshRate);
    // --cache-only takes what is cached, expired or not: it never calls.
    if (cached && (run.cacheMode === 'only' || (!expired && !refresh))) return { result: cached.result, source: 'cache' };
    if (run.cacheMode === 'only') return null;
    const estimate = estimateCallCostUsd(priceOf(entry), c.input_tokens, input.params);
    if (!(await reserveCall(db, runId, estimate))) return null;
    // The attempt id names this fetch by the run's seed alone (the fleet adds model and input), so a
    // simulated model draws the same status however the calls interleave; a real endpoint never sees it.
    const request = {
      messages: input.messages,
      params: input.params,
      attempt_id: `${run.seed}#0`,
      ...(deps.deadlineMs ? { deadline_ms: deps.deadlineMs } : {}),
    };
    // Tokens a provider counts against its per-minute limit when the call arrives: input plus the most it may write.
    const tokens = c.input_tokens + (typeof input.params.max_tokens === 'number' ? input.params.max_tokens : 0);
    const result = await limiter.run(model, entry.concurrency, async () => {
      await deps.rate?.acquire(model, { rpm: entry.rate_limit_rpm, tpm: entry.rate_limit_tpm ?? null }, tokens);
      // A client that throws (a bug, a reply it cannot read) fails only this pair, as a recorded failure.
      return deps.chat.complete(entry, request).catch((e: unknown) => unreadReply(e));
    });
    reservedDelta += (result.cost_usd ?? 0) - estimate;
    // Errors are cached like answers: a re-run of the same cases then sees the same error rate
    // (caching only answers made every re-run look healthier). TTL and refreshes re-ask both.
    const answered = result.status >= 200 && result.status < 300;
    if (run.cacheMode === 'use') toCache.push({ key, model, result, replace: cached !== null || (ownError && answered) });
    const build = result.fingerprint;
    if (build && cached?.result.fingerprint && cached.result.fingerprint !== build) await dropOtherBuilds(db, model, build);
    return { result, source: refresh ? 'refresh' : 'call' };
  };

  return { fetchOnce, takeCacheWrites: () => toCache.splice(0), reservedDelta: () => reservedDelta };
}

const priceOf = (e: CatalogEntry) => ({ input_price_per_m: e.price.input_per_m, output_price_per_m: e.price.output_per_m });
