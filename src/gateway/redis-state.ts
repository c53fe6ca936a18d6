import { Redis } from 'ioredis';
import type { BudgetKind, BudgetPeriod } from '../domain/policy-spec.js';
import { compilePolicy, createRouterState, periodKey } from '../policy/index.js';
import { budgetKey } from '../policy/router-state.js';
import { budgetPeriods, type SharedState } from './shared-state.js';

const FIELD: Record<BudgetKind, string> = { max_spend_usd: 'cost', max_tokens: 'tokens', max_requests: 'requests' };

/** Windows outlive their period by a day, then Redis forgets them. */
const PERIOD_TTL_S: Record<BudgetPeriod, number> = { hourly: 3600 + 86400, daily: 2 * 86400, weekly: 8 * 86400, monthly: 32 * 86400 };

/**
 * Check every budget (KEYS[i], field ARGV[2i-1] against limit ARGV[2i]) and, when none is used up,
 * count one request in each distinct window (the keys after the budget ones), atomically: two
 * gateways racing for the last request cannot both get it.
 */
const RESERVE = `
local n = tonumber(ARGV[1])
for i = 1, n do
  local used = tonumber(redis.call('HGET', KEYS[i], ARGV[2 * i]) or '0')
  if used >= tonumber(ARGV[2 * i + 1]) then return 0 end
end
for j = n + 1, #KEYS do
  redis.call('HINCRBY', KEYS[j], 'requests', 1)
  redis.call('EXPIRE', KEYS[j], ARGV[2 * n + 1 + (j - n)])
end
return 1`;

export interface RedisStateOptions {
  url: string;
  /** Key prefix, so several deployments (or tests) can share one Redis. */
  prefix: string;
}

export async function createRedisState(opts: RedisStateOptions): Promise<SharedState> {
  const redis = new Redis(opts.url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: true });
  await redis.connect();
  const windowKey = (policy: string, period: BudgetPeriod, ts: number) =>
    `${opts.prefix}:budget:${policy}:${period}:${periodKey(period, ts)}`;
  return {
    nextRoundRobin: async (policy, groupKey) => (await redis.incr(`${opts.prefix}:rr:${policy}:${groupKey}`)) - 1,
    budgetSnapshot: async (spec, ts) => {
      const state = createRouterState();
      const periods = budgetPeriods(spec);
      if (periods.length === 0) return state;
      const pipe = redis.pipeline();
      for (const p of periods) pipe.hmget(windowKey(spec.name, p, ts), 'cost', 'tokens', 'requests');
      const replies = (await pipe.exec()) ?? [];
      periods.forEach((p, i) => {
        const [err, values] = replies[i] ?? [null, null];
        if (err) throw err;
        const [cost, tokens, requests] = (values as Array<string | null>).map((v) => Number(v ?? 0));
        state.budgets.set(budgetKey(spec.name, p), {
          periodKey: periodKey(p, ts),
          cost_usd: cost ?? 0,
          tokens: tokens ?? 0,
          requests: requests ?? 0,
        });
      });
      return state;
    },
    reserve: async (spec, ts) => {
      const budgets = compilePolicy(spec).budgets;
      if (budgets.length === 0) return true;
      const periods = budgetPeriods(spec);
      const keys = [...budgets.map((b) => windowKey(spec.name, b.period, ts)), ...periods.map((p) => windowKey(spec.name, p, ts))];
      const args = [
        String(budgets.length),
        ...budgets.flatMap((b) => [FIELD[b.kind], String(b.limit)]),
        ...periods.map((p) => String(PERIOD_TTL_S[p])),
      ];
      return (await redis.eval(RESERVE, keys.length, ...keys, ...args)) === 1;
    },
    charge: async (spec, ts, usage) => {
      const pipe = redis.pipeline();
      for (const p of budgetPeriods(spec)) {
        const key = windowKey(spec.name, p, ts);
        if (usage.cost_usd) pipe.hincrbyfloat(key, 'cost', usage.cost_usd);
        if (usage.tokens) pipe.hincrby(key, 'tokens', Math.round(usage.tokens));
        pipe.expire(key, PERIOD_TTL_S[p]);
      }
      await pipe.exec();
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
