import { addTo, dataRecord } from '../domain/data-record.js';
import type { PolicySpec } from '../domain/policy-spec.js';
import type { Rng } from '../domain/rng.js';
import { execute } from './execute.js';
import { recordUsage, createRouterState } from './router-state.js';

/** An injected failure: each try of `model` returns `status` with probability `rate`. */
export interface InjectedFailure {
  model: string;
  status: number;
  rate: number;
}

export interface SimulationOptions {
  requests: number;
  metadata?: Record<string, unknown>;
  params?: Record<string, unknown>;
  input_tokens?: number;
  failures?: readonly InjectedFailure[];
  /** First request's timestamp; requests are one second apart (budgets count per window). */
  start_ms: number;
}

/** `routelab policy simulate --json`: the contract of issue 2. */
export interface SimulationSummary {
  requests: number;
  served: Record<string, number>;
  attempts: Record<string, number>;
  failed: number;
  blocked: { guardrail: number; budget: number };
  flagged: number;
  skipped: number;
}

/**
 * Run the router over synthetic requests with injected failures. Each served request is charged
 * one request and its input tokens against the budgets (no cost is known here).
 */
export function simulatePolicy(spec: PolicySpec, opts: SimulationOptions, rng: Rng): SimulationSummary {
  const state = createRouterState();
  const routeRng = rng.fork('route');
  const failRng = rng.fork('failures');
  const byModel = new Map<string, InjectedFailure[]>();
  for (const f of opts.failures ?? []) byModel.set(f.model, [...(byModel.get(f.model) ?? []), f]);
  const outcomeOf = (model: string): number => {
    const fs = byModel.get(model);
    if (!fs) return 200;
    // Several failures on one model stack: their rates add up, in the order given.
    let u = failRng.next();
    for (const f of fs) {
      if (u < f.rate) return f.status;
      u -= f.rate;
    }
    return 200;
  };
  const summary: SimulationSummary = {
    requests: opts.requests,
    served: dataRecord(),
    attempts: dataRecord(),
    failed: 0,
    blocked: { guardrail: 0, budget: 0 },
    flagged: 0,
    skipped: 0,
  };
  for (let i = 0; i < opts.requests; i++) {
    const request = {
      metadata: opts.metadata ?? {},
      params: opts.params ?? {},
      input_tokens: opts.input_tokens ?? 0,
      timestamp_ms: opts.start_ms + i * 1000,
    };
    const ex = execute(spec, request, state, routeRng, outcomeOf);
    for (const a of ex.attempts) addTo(summary.attempts, a.model, 1);
    if (ex.flagged) summary.flagged++;
    if (ex.served) {
      addTo(summary.served, ex.served, 1);
      recordUsage(state, spec, request, { cost_usd: 0, tokens: request.input_tokens, requests: 1 });
    } else if (ex.blocked) summary.blocked[ex.blocked]++;
    else if (ex.skipped) summary.skipped++;
    else summary.failed++;
  }
  return summary;
}
