import type { CallResult } from '../domain/call-result.js';
import type { CatalogEntry } from '../domain/catalog-entry.js';
import type { GoldenCase } from '../domain/golden-case.js';
import type { Outcome } from '../domain/outcome.js';
import { reachableModels } from '../policy/index.js';
import type { ChatClient } from '../providers/index.js';
import { estimateCallCostUsd } from '../replay/cost-estimate.js';
import { replayParams } from '../replay/replay-params.js';
import { unionModels } from '../replay/plan-pairs.js';
import { scoreCase, type JudgeDeps } from '../scoring/index.js';
import { createModelLimiter, type ModelLimiter } from './model-limiter.js';
import type { Db } from '../store/db.js';
import { getModels } from '../store/repos/catalog-repo.js';
import { loadGoldenSet } from '../store/repos/golden-repo.js';
import { cacheKey, getCached, putCached } from '../store/repos/response-cache-repo.js';
import {
  getRun,
  getVariants,
  goldenSetNameById,
  insertOutcomes,
  loadCases,
  loadTrafficInputs,
  markChunk,
  reserveCall,
  settleReserved,
  storedPairs,
  type PlannedCase,
  type RunRow,
} from '../store/repos/run-repo.js';

export interface ChunkDeps {
  chat: ChatClient;
  /** LLM-as-judge wiring for golden assertions of type `judge`. */
  judge?: JudgeDeps;
  /** Pairs fetched at once within one chunk (default 8). */
  concurrency?: number;
  /** Per-call deadline (the client's default when absent). */
  deadlineMs?: number;
  /** Golden sets by id, shared by the chunks a process runs (they are small and never change in a run). */
  goldenCache?: Map<number, Promise<Map<string, GoldenCase>>>;
  /** Per-model concurrency (the catalog's), shared by the chunks a process runs. */
  limiter?: ModelLimiter;
}

/** Outcomes are written in small batches: a crash loses at most this many fetched pairs. */
const FLUSH_EVERY = 16;

interface CaseInput {
  messages: Array<{ role: string; content: string }>;
  params: Record<string, unknown>;
  gcase: GoldenCase;
}

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
  for (const c of cases) for (const model of models) if (!stored.has(`${c.case_id}\u0000${model}`)) todo.push({ c, model });
  if (todo.length === 0) {
    await markChunk(db, runId, chunk, 'done');
    return { fetched: 0, skipped: 0 };
  }

  const inputs = await caseInputs(db, run, cases, deps);
  const limiter = deps.limiter ?? createModelLimiter();
  const catalog = await getModels(db, models);
  const buffer: Outcome[] = [];
  const toCache: Array<[string, CallResult]> = [];
  let reservedDelta = 0;
  let fetched = 0;
  let skipped = 0;
  const flush = async () => {
    if (buffer.length === 0) return;
    const rows = buffer.splice(0);
    const cache = toCache.splice(0);
    await insertOutcomes(db, runId, rows);
    // After the outcome row: a crash in between re-calls (counted as a duplicate) rather than
    // silently turning this run's own call into a cache hit on redelivery.
    for (const [key, result] of cache) await putCached(db, key, result);
  };

  const one = async ({ c, model }: { c: PlannedCase; model: string }) => {
    const input = inputs.get(c.case_id);
    const entry = catalog.get(model);
    if (!input || !entry) {
      skipped++;
      return;
    }
    const key = cacheKey(model, input.messages, input.params);
    let result = await getCached(db, key);
    let source: Outcome['source'] = 'cache';
    if (!result) {
      const estimate = estimateCallCostUsd(priceOf(entry), c.input_tokens, input.params);
      if (!(await reserveCall(db, runId, estimate))) {
        skipped++;
        return;
      }
      const request = { messages: input.messages, params: input.params, ...(deps.deadlineMs ? { deadline_ms: deps.deadlineMs } : {}) };
      result = await limiter.run(model, entry.concurrency, () => deps.chat.complete(entry, request));
      reservedDelta += (result.cost_usd ?? 0) - estimate;
      source = 'call';
      // Only answers are cached: a 429 or a timeout must be tried again by the next run.
      if (result.status >= 200 && result.status < 300) toCache.push([key, result]);
    }
    buffer.push(await toOutcome(c.case_id, model, result, source, input.gcase, deps.judge));
    fetched++;
    if (buffer.length >= FLUSH_EVERY) await flush();
  };

  try {
    await pool(todo, deps.concurrency ?? 8, one);
  } finally {
    // Keep what was fetched before a failure: the retry then only fetches the rest.
    await flush();
    await settleReserved(db, runId, reservedDelta);
  }
  await markChunk(db, runId, chunk, 'done');
  return { fetched, skipped };
}

const priceOf = (e: CatalogEntry) => ({ input_price_per_m: e.price.input_per_m, output_price_per_m: e.price.output_per_m });

async function toOutcome(caseId: string, model: string, r: CallResult, source: Outcome['source'], gcase: GoldenCase, judge: JudgeDeps | undefined): Promise<Outcome> {
  const ok = r.status >= 200 && r.status < 300 && r.output !== null;
  const s = ok ? await scoreCase(gcase, r.output, judge ?? {}) : null;
  return {
    case_id: caseId,
    model,
    answered_by: r.answered_by,
    status: r.status,
    output: r.output,
    score: s ? Math.min(1, Math.max(0, s.score)) : null,
    pass: s ? s.pass : false,
    reason: s ? s.reason : (r.error ? `${r.error.kind}: ${r.error.message}` : `status ${r.status}`),
    cost_usd: r.cost_usd,
    latency_ms: r.latency_ms,
    input_tokens: r.input_tokens,
    output_tokens: r.output_tokens,
    source,
  };
}

/** Messages, params and the golden case that scores each case of the chunk. */
async function caseInputs(db: Db, run: RunRow, cases: readonly PlannedCase[], deps: ChunkDeps): Promise<Map<string, CaseInput>> {
  const golden = run.goldenSetId !== null ? await goldenCases(db, run.goldenSetId, deps) : new Map<string, GoldenCase>();
  const out = new Map<string, CaseInput>();
  if (run.sourceKind === 'golden') {
    for (const c of cases) {
      const g = golden.get(c.case_id);
      if (g) out.set(c.case_id, { messages: g.input.messages, params: {}, gcase: g });
    }
    return out;
  }
  const traffic = await loadTrafficInputs(
    db,
    cases.map((c) => c.case_id),
  );
  for (const c of cases) {
    const t = traffic.get(c.case_id);
    if (!t) continue;
    const matched = c.golden_case_id !== null ? golden.get(c.golden_case_id) : undefined;
    out.set(c.case_id, { messages: t.messages, params: replayParams(t.params), gcase: matched ?? againstOriginal(c.case_id, t.messages, t.original) });
  }
  return out;
}

/** A sampled case no golden case matches is scored by token F1 against what production answered. */
function againstOriginal(id: string, messages: GoldenCase['input']['messages'], original: string | null): GoldenCase {
  return { id, input: { messages }, metadata: {}, reference: original ?? '', assertions: [{ type: 'token_f1', weight: 1 }], reviewed: false };
}

async function goldenCases(db: Db, setId: number, deps: ChunkDeps): Promise<Map<string, GoldenCase>> {
  const load = async () => {
    const set = await loadGoldenSet(db, await goldenSetNameById(db, setId));
    return new Map(set.cases.map((g) => [g.id, g]));
  };
  if (!deps.goldenCache) return load();
  let p = deps.goldenCache.get(setId);
  if (!p) {
    p = load();
    deps.goldenCache.set(setId, p);
    p.catch(() => deps.goldenCache?.delete(setId));
  }
  return p;
}

/** Run fn over items with at most `limit` in flight. The first error stops new work and is rethrown. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const lane = async () => {
    while (failed === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failed !== undefined) throw failed;
}
