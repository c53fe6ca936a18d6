import type { CallResult } from '../domain/call-result.js';
import type { GoldenCase } from '../domain/golden-case.js';
import type { Outcome } from '../domain/outcome.js';
import type { Clock } from '../domain/rng.js';
import { reachableModels } from '../policy/index.js';
import type { ChatClient } from '../providers/index.js';
import { unionModels } from '../replay/plan-pairs.js';
import type { JudgeDeps } from '../scoring/index.js';
import { LostWriteError } from '../store/connection-loss.js';
import type { Db } from '../store/db.js';
import { getModels } from '../store/repos/catalog-repo.js';
import { cacheKey, putCached } from '../store/repos/response-cache-repo.js';
import { loadCases, type PlannedCase } from '../store/repos/run-case-repo.js';
import { markChunk } from '../store/repos/run-chunk-repo.js';
import { insertOutcomes, pairKey, storedPairs } from '../store/repos/run-outcome-repo.js';
import { getRun, getVariants, touchRunProgress } from '../store/repos/run-repo.js';
import { reserveJudgeCall, settleJudgeCall, settleReserved } from '../store/repos/run-spend-repo.js';
import { pool } from './bounded-pool.js';
import { chunkFetcher } from './chunk-fetch.js';
import { caseInputs } from './chunk-inputs.js';
import { toOutcome, unscored } from './chunk-outcomes.js';
import type { JudgeMeter } from './judge-deps.js';
import { createModelLimiter, type ModelLimiter } from './model-limiter.js';
import type { RateLimiter } from './rate-limiter.js';

export interface ChunkDeps {
  chat: ChatClient;
  /** LLM-as-judge wiring for golden assertions of type `judge`; `metered` binds it to a run's cost cap. */
  judge?: JudgeDeps & { metered?: (meter: JudgeMeter) => JudgeDeps };
  /** Pairs fetched at once within one chunk (default 8). */
  concurrency?: number;
  /** Per-call deadline (the client's default when absent). */
  deadlineMs?: number;
  /** Golden sets by id, shared by the chunks a process runs (they are small and never change in a run). */
  goldenCache?: Map<number, Promise<Map<string, GoldenCase>>>;
  /** Per-model concurrency (the catalog's), shared by the chunks a process runs. */
  limiter?: ModelLimiter;
  /** Per-model rpm/tpm (the catalog's): in the process, or in Redis shared by every worker. */
  rate?: RateLimiter;
  /**
   * One run's fetches by cache key, shared by its chunks in this process (processRunLocally gives a
   * fresh map per run; without one, each chunk has its own). Identical requests of a run are asked
   * once and every case sharing them gets that answer, so how many calls a run makes does not
   * depend on which chunk got there first (it did: the demo made 614 calls one time, 609 the next).
   */
  inflight?: Map<string, Promise<Fetched | null>>;
  /** When cache entries are written and judged expired (default: the system clock). */
  clock?: Clock;
  /** Deadline for scoring one (case, model), judge calls included (default SCORE_DEADLINE_MS). */
  scoreDeadlineMs?: number;
}

/** What one fetch of a (model, input) found: an answer from the response cache or a provider call. */
export interface Fetched {
  result: CallResult;
  source: 'cache' | 'call' | 'refresh';
}

/**
 * A case whose scoring has not finished by then is stored unscored with the reason, so one case
 * cannot hold its chunk (and the run) for ever. It bounds waiting (a judge call that never returns);
 * CPU-bound scorers are bounded by their own input limits, since nothing can interrupt them here.
 */
export const SCORE_DEADLINE_MS = 120_000;

/** `p`, or a rejection naming `what` once `ms` have passed; the timer never outlives the race. */
function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Outcomes are written in small batches: a crash loses at most this many fetched pairs. */
const FLUSH_EVERY = 16;
/** At least this often, a chunk that is getting answers says so (the stall detector reads it). */
const PROGRESS_EVERY_MS = 10_000;

/**
 * Fetch and score every (case, model) pair of one chunk that is not stored yet: response cache first,
 * then a provider call under the run's hard cost cap. Safe to run twice (at-least-once delivery):
 * stored pairs are skipped and writes are ON CONFLICT DO NOTHING. Variant evaluation is not done here
 * but once in aggregateRun, because round robin and budgets need every case in timestamp order.
 */
export async function processChunk(db: Db, deps: ChunkDeps, runId: string, chunk: number): Promise<{ fetched: number; skipped: number }> {
  const run = await getRun(db, runId);
  if (!run) throw new Error(`run ${runId} does not exist`);
  if (run.status !== 'running' && run.status !== 'queued') return { fetched: 0, skipped: 0 };
  const cases = await loadCases(db, runId, chunk);
  if (run.sourceKind === 'outcomes') {
    // Recorded outcomes were stored at planning; a recorded run calls no model.
    await markChunk(db, runId, chunk, 'done');
    return { fetched: 0, skipped: 0 };
  }
  const models = unionModels((await getVariants(db, runId)).map((v) => reachableModels(v.spec)));
  const stored = await storedPairs(
    db,
    runId,
    cases.map((c) => c.case_id),
  );
  const todo: Array<{ c: PlannedCase; model: string }> = [];
  for (const c of cases) for (const model of models) if (!stored.has(pairKey(c.case_id, model))) todo.push({ c, model });
  if (todo.length === 0) {
    await markChunk(db, runId, chunk, 'done');
    return { fetched: 0, skipped: 0 };
  }

  const inputs = await caseInputs(db, run, cases, deps);
  // Judge calls spend under the run's cap and count in its cost, like the model calls they score.
  const judge = deps.judge?.metered
    ? deps.judge.metered({
        reserve: (estimate) => reserveJudgeCall(db, runId, estimate),
        settle: (estimate, actual) => settleJudgeCall(db, runId, estimate, actual),
      })
    : deps.judge;
  const limiter = deps.limiter ?? createModelLimiter();
  const catalog = await getModels(db, models);
  const buffer: Outcome[] = [];
  const fetcher = chunkFetcher(db, run, runId, deps, limiter);
  const now = () => deps.clock?.now() ?? Date.now();
  let touched = Date.now();
  let fetched = 0;
  let skipped = 0;
  const written: string[] = [];
  const flush = async () => {
    if (buffer.length === 0) return;
    const rows = buffer.splice(0);
    for (const o of rows) written.push(pairKey(o.case_id, o.model));
    const cache = fetcher.takeCacheWrites();
    await insertOutcomes(db, runId, rows);
    await touchRunProgress(db, runId);
    touched = Date.now();
    // After the outcome row: a crash in between re-calls (counted as a duplicate) rather than
    // silently turning this run's own call into a cache hit on redelivery.
    for (const e of cache) await putCached(db, e.key, e.model, e.result, new Date(now()), e.replace, runId);
  };

  const inflight = deps.inflight ?? new Map<string, Promise<Fetched | null>>();
  const one = async ({ c, model }: { c: PlannedCase; model: string }) => {
    const input = inputs.get(c.case_id);
    const entry = catalog.get(model);
    if (!input || !entry) {
      skipped++;
      return;
    }
    const key = cacheKey(entry, input.messages, input.params);
    const shared = `${runId}\u0000${key}`;
    // Claimed before the first await, so two cases with the same input never both fetch it.
    let fetching = inflight.get(shared);
    const first = fetching === undefined;
    if (!fetching) {
      fetching = fetcher.fetchOnce(key, c, entry, input);
      inflight.set(shared, fetching);
      // A failed fetch (a lost connection) is tried again when its chunk is retried.
      fetching.catch(() => inflight.delete(shared));
    }
    const got = await fetching;
    if (!got) {
      skipped++;
      return;
    }
    const source: Outcome['source'] = first ? got.source : 'cache';
    const scored = withDeadline(
      toOutcome(c.case_id, model, got.result, source, input.gcase, judge),
      deps.scoreDeadlineMs ?? SCORE_DEADLINE_MS,
      'scoring',
    );
    buffer.push(await scored.catch((e: unknown) => unscored(c.case_id, model, got.result, source, e)));
    fetched++;
    // Slow models fill a flush slowly: the run still shows progress every PROGRESS_EVERY_MS.
    if (buffer.length >= FLUSH_EVERY || Date.now() - touched >= PROGRESS_EVERY_MS) await flush();
  };

  try {
    await pool(todo, deps.concurrency ?? 8, one);
  } finally {
    // Keep what was fetched before a failure: the retry then only fetches the rest.
    await flush();
    await settleReserved(db, runId, fetcher.reservedDelta());
  }
  await confirmStored(db, runId, cases, written);
  await markChunk(db, runId, chunk, 'done');
  await touchRunProgress(db, runId);
  return { fetched, skipped };
}

/**
 * The chunk is marked done only once every outcome it wrote is read back. postgres.js (3.4.9) can
 * resolve a statement as if it had run when it never did: one issued between a socket's 'error' and
 * its 'close' goes to the dead connection, and is resolved with an empty result once that connection
 * is opened again. A Postgres outage lost a batch of outcomes that way and the run completed without
 * them. The redelivered job fetches what is missing.
 */
async function confirmStored(db: Db, runId: string, cases: readonly PlannedCase[], written: readonly string[]): Promise<void> {
  if (written.length === 0) return;
  const stored = await storedPairs(
    db,
    runId,
    cases.map((c) => c.case_id),
  );
  const lost = written.filter((k) => !stored.has(k)).length;
  if (lost > 0) throw new LostWriteError(`${lost} of ${written.length} outcome(s) written by this chunk are not stored`);
}
