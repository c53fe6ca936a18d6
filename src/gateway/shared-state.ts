import type { PolicySpec } from '../domain/policy-spec.js';
import { compilePolicy, createRouterState, periodKey, type RouterState, type Usage } from '../policy/index.js';
import { budgetKey } from '../policy/router-state.js';

/**
 * What gateway instances must agree on: round-robin pointers and budget windows. In one process a
 * Map does; with REDIS_URL, Redis does (redis-state.ts), updated atomically so N instances behind a
 * load balancer act as one. Budgets are read as a snapshot for the pure router's decision, then a
 * request is reserved atomically (requests budget checked and counted in one step); spend and
 * tokens are charged when the answer is in, so they overshoot by at most the requests in flight.
 */
export interface SharedState {
  /** The pointer to use for this request, advancing it by one (0-based, unbounded). */
  nextRoundRobin(policy: string, groupKey: string): Promise<number>;
  /** A RouterState holding the budget usage of the windows containing `timestampMs`. */
  budgetSnapshot(spec: PolicySpec, timestampMs: number): Promise<RouterState>;
  /** Count one request against every budget window unless one is already used up; false if so. */
  reserve(spec: PolicySpec, timestampMs: number): Promise<boolean>;
  /** Add the answer's cost and tokens to the windows (the request was counted by reserve). */
  charge(spec: PolicySpec, timestampMs: number, usage: Omit<Usage, 'requests'>): Promise<void>;
  close(): Promise<void>;
}

export function budgetPeriods(spec: PolicySpec) {
  return [...new Set(compilePolicy(spec).budgets.map((b) => b.period))];
}

export function createLocalState(): SharedState {
  const rr = new Map<string, number>();
  const state = createRouterState();
  const window = (spec: PolicySpec, period: Parameters<typeof periodKey>[0], ts: number) => {
    const key = budgetKey(spec.name, period);
    const k = periodKey(period, ts);
    let u = state.budgets.get(key);
    if (!u || u.periodKey !== k) {
      u = { periodKey: k, cost_usd: 0, tokens: 0, requests: 0 };
      state.budgets.set(key, u);
    }
    return u;
  };
  return {
    nextRoundRobin: async (policy, groupKey) => {
      const key = `${policy}\u0000${groupKey}`;
      const n = rr.get(key) ?? 0;
      rr.set(key, n + 1);
      return n;
    },
    budgetSnapshot: async () => state,
    reserve: async (spec, ts) => {
      const p = compilePolicy(spec);
      for (const b of p.budgets) {
        const u = window(spec, b.period, ts);
        const used = b.kind === 'max_spend_usd' ? u.cost_usd : b.kind === 'max_tokens' ? u.tokens : u.requests;
        if (used >= b.limit) return false;
      }
      for (const period of budgetPeriods(spec)) window(spec, period, ts).requests += 1;
      return true;
    },
    charge: async (spec, ts, usage) => {
      for (const period of budgetPeriods(spec)) {
        const u = window(spec, period, ts);
        u.cost_usd += usage.cost_usd;
        u.tokens += usage.tokens;
      }
    },
    close: async () => {},
  };
}
