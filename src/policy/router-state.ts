import type { BudgetPeriod, PolicySpec } from '../domain/policy-spec.js';
import { periodKey } from './budget-period.js';
import { compilePolicy, type CompiledBudget } from './compiled-policy.js';
import type { RequestContext } from './request-context.js';

/**
 * What the router remembers between requests: round-robin pointers and budget usage per period
 * window. Keys carry the policy name, so one state may serve several policies; use one state per
 * variant when variants share a name.
 */
export interface BudgetUsage {
  periodKey: number;
  cost_usd: number;
  tokens: number;
  requests: number;
}

export interface RouterState {
  roundRobin: Map<string, number>;
  budgets: Map<string, BudgetUsage>;
}

export interface Usage {
  cost_usd: number;
  tokens: number;
  requests: number;
}

export function createRouterState(): RouterState {
  return { roundRobin: new Map(), budgets: new Map() };
}

export function roundRobinKey(policy: string, groupKey: string): string {
  return `${policy}\u0000${groupKey}`;
}

export function budgetKey(policy: string, period: BudgetPeriod): string {
  return `${policy}\u0000${period}`;
}

/**
 * Charge a served (or attempted) request to every budget period window containing its timestamp.
 * The caller scales sampled traffic (1/rate) before calling. Usage from an older window is reset.
 */
export function recordUsage(state: RouterState, spec: PolicySpec, request: RequestContext, usage: Usage): void {
  const periods = new Set(compilePolicy(spec).budgets.map((b) => b.period));
  for (const period of periods) {
    const key = budgetKey(spec.name, period);
    const window = periodKey(period, request.timestamp_ms);
    let u = state.budgets.get(key);
    if (!u || u.periodKey !== window) {
      u = { periodKey: window, cost_usd: 0, tokens: 0, requests: 0 };
      state.budgets.set(key, u);
    }
    u.cost_usd += usage.cost_usd;
    u.tokens += usage.tokens;
    u.requests += usage.requests;
  }
}

/** The first budget already used up in the request's window, if any. */
export function exhaustedBudget(
  state: RouterState,
  policy: string,
  budgets: readonly CompiledBudget[],
  timestampMs: number,
): CompiledBudget | undefined {
  for (const b of budgets) {
    const u = state.budgets.get(budgetKey(policy, b.period));
    if (!u || u.periodKey !== periodKey(b.period, timestampMs)) continue;
    const used = b.kind === 'max_spend_usd' ? u.cost_usd : b.kind === 'max_tokens' ? u.tokens : u.requests;
    if (used >= b.limit) return b;
  }
  return undefined;
}
