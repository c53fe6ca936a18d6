import { addTo, asPlainRecord, dataRecord } from '../domain/data-record.js';
import type { Outcome } from '../domain/outcome.js';
import type { PolicySpec } from '../domain/policy-spec.js';
import { createRng } from '../domain/rng.js';
import type { Attempt, RunCase, VariantCaseResult } from '../domain/run.js';
import { createRouterState, distribution, execute, recordUsage, type RequestContext } from '../policy/index.js';
import { retryBackoffMs } from './backoff.js';
import type { OutcomeMatrix } from './outcome-matrix.js';

export interface EvaluateOptions {
  /** Sample rate: one case stands for 1/rate real requests when charging budgets. */
  rate: number;
  /** Seeds the sequential pass (which path each request realises when charging budgets). */
  seed: string;
}

type Path = ReturnType<typeof distribution>[number];

/** The router sees an outcome we never fetched as status 0 (unknown): an error, never a success. */
const UNKNOWN = [{ status: 0, p: 1 }] as const;

/**
 * A variant's counterfactual result on every case, in the order of `cases`.
 *
 * Per case: the router's exact routing distribution over attempt paths, given each model's stored
 * outcome (`outcomeOf(model) = [{status, p: 1}]`), turned into expectations — quality is the served
 * model's score (0 when nothing is served), cost the sum of the attempts' costs, latency the sum of
 * their latencies plus the retry backoff (backoff.ts).
 *
 * Stateful parts (the round-robin pointer, per-period budgets) need an order: cases are visited in
 * timestamp order (then id) with one router state; after each case the request is realised once with
 * the seeded rng by the router's own `execute` (which advances round robin) and its usage is charged
 * via `recordUsage`, scaled by 1/rate because a sampled request stands for 1/rate real ones. Stateless variants get identical results in any order.
 *
 * Pure and allocation-light: the proposals optimiser calls it for every candidate policy.
 */
export function evaluateVariant(
  spec: PolicySpec,
  cases: readonly RunCase[],
  outcomes: OutcomeMatrix,
  opts: EvaluateOptions,
): VariantCaseResult[] {
  const scale = opts.rate > 0 ? 1 / opts.rate : 1;
  const rng = createRng(opts.seed).fork(`variant:${spec.name}`);
  const state = createRouterState();
  const results = new Array<VariantCaseResult>(cases.length);
  const stateful = isStateful(spec);
  for (const i of stateful ? timestampOrder(cases) : cases.keys()) {
    const c = cases[i] as RunCase;
    const row = outcomes.get(c.case_id);
    const request = requestOf(c);
    const outcomeOf = (model: string) => {
      const o = row?.get(model);
      return o ? [{ status: o.status, p: 1 }] : UNKNOWN;
    };
    const paths = distribution(spec, request, outcomeOf, state);
    results[i] = expectation(c.case_id, paths, row);
    if (!stateful) continue;
    // The realised request: advances the round-robin pointer, and its usage is what budgets see.
    const done = execute(spec, request, state, rng, (model) => row?.get(model)?.status ?? 0);
    if (done.blocked === null && done.attempts.length > 0) {
      const usage = attemptsUsage(done.attempts, row);
      recordUsage(state, spec, request, { cost_usd: usage.cost * scale, tokens: usage.tokens * scale, requests: scale });
    }
  }
  return results;
}

/** Round robin or a budget makes one request's routing depend on the ones before it. */
export function isStateful(spec: PolicySpec): boolean {
  const b = spec.policy.budget;
  if (b && (b.max_spend_usd || b.max_tokens || b.max_requests)) return true;
  if (spec.policy.strategy.mode === 'round_robin') return true;
  return (spec.policy.rules ?? []).some((r) => r.strategy?.mode === 'round_robin');
}

export function requestOf(c: RunCase): RequestContext {
  const project = typeof c.metadata.project === 'string' ? c.metadata.project : undefined;
  const ts = c.timestamp ? Date.parse(c.timestamp) : Number.NaN;
  return {
    metadata: c.metadata,
    params: c.params,
    input_tokens: c.input_tokens,
    ...(c.input ? { input: c.input } : {}),
    timestamp_ms: Number.isFinite(ts) ? ts : 0,
    ...(project !== undefined ? { project } : {}),
  };
}

/** Indices of `cases` by timestamp (cases without one first, as of the epoch), then by id. */
export function timestampOrder(cases: readonly RunCase[]): number[] {
  const keys = cases.map((c) => {
    const t = c.timestamp ? Date.parse(c.timestamp) : Number.NaN;
    return Number.isFinite(t) ? t : 0;
  });
  const idx = cases.map((_, i) => i);
  idx.sort((a, b) => (keys[a] as number) - (keys[b] as number) || cmp((cases[a] as RunCase).case_id, (cases[b] as RunCase).case_id));
  return idx;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function expectation(caseId: string, paths: readonly Path[], row: ReadonlyMap<string, Outcome> | undefined): VariantCaseResult {
  let quality = 0;
  let cost = 0;
  let latency = 0;
  let pError = 0;
  let pGuard = 0;
  let pBudget = 0;
  let flagged = false;
  let best: Path | undefined;
  const served = dataRecord<number>();
  for (const path of paths) {
    const p = path.p;
    if (p <= 0) continue;
    if (!best || p > best.p) best = path;
    if (path.flagged) flagged = true;
    if (path.blocked === 'guardrail') pGuard += p;
    else if (path.blocked === 'budget') pBudget += p;
    else if (path.served === null) pError += p;
    else {
      addTo(served, path.served, p);
      quality += p * (row?.get(path.served)?.score ?? 0);
    }
    const u = attemptsUsage(path.attempts, row);
    cost += p * u.cost;
    latency += p * u.latency;
  }
  return {
    case_id: caseId,
    quality,
    cost_usd: cost,
    latency_ms: latency,
    p_error: pError,
    p_guardrail_block: pGuard,
    p_budget_block: pBudget,
    served: asPlainRecord(served),
    path: best ? best.attempts.map((a: Attempt) => ({ model: a.model, status: a.status, reason: a.reason })) : [],
    flagged,
  };
}

function attemptsUsage(
  attempts: readonly Attempt[],
  row: ReadonlyMap<string, Outcome> | undefined,
): { cost: number; latency: number; tokens: number } {
  let cost = 0;
  let latency = 0;
  let tokens = 0;
  let retries = 0;
  for (const a of attempts) {
    const o = row?.get(a.model);
    cost += o?.cost_usd ?? 0;
    latency += o?.latency_ms ?? 0;
    tokens += (o?.input_tokens ?? 0) + (o?.output_tokens ?? 0);
    if (a.reason === 'retry') latency += retryBackoffMs(++retries);
  }
  return { cost, latency, tokens };
}
