import type { CallResult } from '../domain/call-result.js';
import type { CatalogEntry } from '../domain/catalog-entry.js';
import type { Rng } from '../domain/rng.js';
import { compilePolicy, decide, type PlannedTry, type RequestContext, type RouterState, type SkipReason } from '../policy/index.js';
import { isSuccess, movesOn } from '../policy/compiled-policy.js';
import { roundRobinKey } from '../policy/router-state.js';
import type { ActivePolicy } from '../store/repos/active-policies-repo.js';
import type { ParsedChat } from './chat-request.js';
import type { Metrics } from './metrics.js';
import { propensityOf } from './propensity.js';
import type { SharedState } from './shared-state.js';
import type { CancelScope, StreamSink, Upstream } from './upstream.js';

export interface RouteDeps {
  upstream: Upstream;
  state: SharedState;
  rng: Rng;
  metrics: Metrics;
  /** Per upstream attempt. */
  deadlineMs: number;
}

export interface AttemptLog {
  model: string;
  status: number;
  reason: string;
  latency_ms: number;
}

interface Common {
  attempts: AttemptLog[];
  reasons: string[];
  flagged: boolean;
}

export type RouteOutcome =
  | (Common & { kind: 'served'; model: string; result: CallResult; propensity: number | null })
  | (Common & { kind: 'failed'; last: CallResult | null; propensity: number | null })
  | (Common & { kind: 'blocked'; blocked: 'guardrail' | 'budget' })
  | (Common & { kind: 'skipped'; skipped: SkipReason });

/**
 * Serve one request through a policy: the pure router (`decide`, the same one replay uses) plans
 * the attempts; this loop makes them through the provider layer with the semantics of
 * `execute()` (src/policy/execute.ts): a try is retried while its status is a retry code and
 * retries are left, a strategy code hands over to the next planned target, anything else stops.
 * Round-robin pointers and budgets come from the shared state, so N instances act as one.
 */
export async function routePolicy(
  deps: RouteDeps,
  policy: ActivePolicy,
  catalog: ReadonlyMap<string, CatalogEntry>,
  chat: ParsedChat,
  request: RequestContext,
  cancel: CancelScope,
  sink?: StreamSink,
): Promise<RouteOutcome> {
  const spec = policy.spec;
  const state: RouterState = await deps.state.budgetSnapshot(spec, request.timestamp_ms);
  const d = decide(spec, request, state, deps.rng);
  if (d.kind === 'blocked') return { kind: 'blocked', blocked: d.blocked, attempts: [], reasons: d.reasons, flagged: d.flagged };
  if (d.kind === 'skipped') return { kind: 'skipped', skipped: d.skipped, attempts: [], reasons: d.reasons, flagged: d.flagged };
  if (sink) sink.flagged = d.flagged;
  const g = d.group;
  let plan: readonly PlannedTry[] = d.plan;
  if (g.mode === 'round_robin') {
    const pointer = (await deps.state.nextRoundRobin(spec.name, g.key)) % g.models.length;
    plan = g.fixedPlans[pointer] as readonly PlannedTry[];
    // The propensity is computed from the pointer this request used.
    state.roundRobin.set(roundRobinKey(spec.name, g.key), pointer);
  }
  // Without budgets there is nothing to reserve or charge (both states would do nothing): two awaits saved a request.
  const budgeted = compilePolicy(spec).budgets.length > 0;
  if (budgeted && !(await deps.state.reserve(spec, request.timestamp_ms))) {
    return {
      kind: 'blocked',
      blocked: 'budget',
      attempts: [],
      reasons: [...d.reasons, 'a budget was used up by a concurrent request'],
      flagged: d.flagged,
    };
  }
  const attempts: AttemptLog[] = [];
  let last: CallResult | null = null;
  let served: { model: string; result: CallResult } | null = null;
  let stopped = false;
  const usage = { cost_usd: 0, tokens: 0 };
  outer: for (const planned of plan) {
    if (attempts.length > 0) deps.metrics.fallbacks.inc([spec.name]);
    for (let t = 0; t < planned.max_tries; t++) {
      if (t > 0) deps.metrics.retries.inc([spec.name]);
      if (sink) sink.attempts = attempts.length + 1;
      last = await callEntry(deps, catalog.get(planned.model), planned.model, chat, cancel, sink);
      attempts.push({ model: planned.model, status: last.status, reason: t === 0 ? planned.reason : 'retry', latency_ms: last.latency_ms });
      usage.cost_usd += last.cost_usd ?? 0;
      usage.tokens += (last.input_tokens ?? 0) + (last.output_tokens ?? 0);
      if (isSuccess(last.status)) {
        served = { model: planned.model, result: last };
        break outer;
      }
      if (sink?.opened) {
        // The stream was already the client's when it failed: nothing can be retried or fallen back on.
        d.reasons.push(`${planned.model} failed (${last.status}) in the middle of its stream`);
        stopped = true;
        break outer;
      }
      if (!g.retryOn.has(last.status)) break;
    }
    if (!movesOn(g.moveOn, last?.status ?? 0)) {
      d.reasons.push(`${planned.model} returned ${last?.status ?? 0}; not a strategy code, stopping`);
      stopped = true;
      break;
    }
  }
  if (budgeted) await deps.state.charge(spec, request.timestamp_ms, usage);
  const propensity = propensityOf(spec, request, state, attempts);
  if (served)
    return { kind: 'served', model: served.model, result: served.result, attempts, reasons: d.reasons, flagged: d.flagged, propensity };
  if (!stopped) d.reasons.push('every target failed');
  return { kind: 'failed', last, attempts, reasons: d.reasons, flagged: d.flagged, propensity };
}

/** A catalog model asked for by name: one call, no routing, no retries. */
export async function callModel(
  deps: RouteDeps,
  entry: CatalogEntry,
  chat: ParsedChat,
  cancel: CancelScope,
  sink?: StreamSink,
): Promise<RouteOutcome> {
  const result = await callEntry(deps, entry, entry.name, chat, cancel, sink);
  const attempts = [{ model: entry.name, status: result.status, reason: 'direct', latency_ms: result.latency_ms }];
  if (isSuccess(result.status))
    return {
      kind: 'served',
      model: entry.name,
      result,
      attempts,
      reasons: ['catalog model asked for by name'],
      flagged: false,
      propensity: 1,
    };
  return { kind: 'failed', last: result, attempts, reasons: [`${entry.name} returned ${result.status}`], flagged: false, propensity: 1 };
}

async function callEntry(
  deps: RouteDeps,
  entry: CatalogEntry | undefined,
  model: string,
  chat: ParsedChat,
  cancel: CancelScope,
  sink: StreamSink | undefined,
): Promise<CallResult> {
  const started = performance.now();
  const result: CallResult = entry
    ? await deps.upstream.call(entry, chat, { deadlineMs: deps.deadlineMs, cancel, sink })
    : {
        status: 404,
        output: null,
        answered_by: null,
        latency_ms: 0,
        input_tokens: null,
        output_tokens: null,
        cost_usd: null,
        simulated: false,
        error: { kind: 'client', message: `model "${model}" is not in the catalog (routelab models import)` },
      };
  deps.metrics.attempts.inc([model, String(result.status)]);
  deps.metrics.upstream.observe([model], (performance.now() - started) / 1000);
  return result;
}
