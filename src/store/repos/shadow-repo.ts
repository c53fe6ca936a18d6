import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db.js';

async function query<T>(db: Db, statement: SQL): Promise<T[]> {
  const r = (await db.execute(statement)) as unknown;
  return Array.isArray(r) ? (r as T[]) : ((r as { rows: T[] }).rows ?? []);
}

/**
 * One shadow variant against the policy that served the same requests (`serve --shadow`), over a
 * time window: each shadow outcome is paired with the served traffic record it copied, so both
 * sides are the same requests. Latency is the attempts' upstream time on both sides (the simulated
 * fleet's reported latency when simulated); means of latency and cost are over the pairs where both
 * sides have the figure.
 */
export interface ShadowComparison {
  policy: string;
  variant: string;
  requests: number;
  /** Answered 2xx. */
  shadow_ok: number;
  live_ok: number;
  /** Answered by the same catalog model as the live request. */
  same_model: number;
  shadow_latency_ms: number | null;
  live_latency_ms: number | null;
  latency_pairs: number;
  shadow_cost_usd: number | null;
  live_cost_usd: number | null;
  cost_pairs: number;
  first_ts: string | null;
  last_ts: string | null;
}

export async function compareShadowOutcomes(db: Db, opts: { policy: string; since: Date; until: Date }): Promise<ShadowComparison[]> {
  const rows = await query<Record<string, unknown>>(
    db,
    sql`
      with p as (
        select s.variant, s.ts, s.status, s.live_status, s.served_by, s.live_served_by,
               s.latency_ms as s_lat, (t.response->>'latency_ms')::float8 as l_lat,
               s.cost_usd as s_cost, (t.response->>'cost_usd')::float8 as l_cost
        from shadow_outcomes s left join traffic t on t.id = s.traffic_id
        where s.policy = ${opts.policy} and s.ts >= ${opts.since.toISOString()}::timestamptz and s.ts < ${opts.until.toISOString()}::timestamptz
      )
      select variant,
             count(*)::int as requests,
             (count(*) filter (where status between 200 and 299))::int as shadow_ok,
             (count(*) filter (where live_status between 200 and 299))::int as live_ok,
             (count(*) filter (where served_by is not distinct from live_served_by))::int as same_model,
             avg(s_lat) filter (where s_lat is not null and l_lat is not null) as shadow_latency_ms,
             avg(l_lat) filter (where s_lat is not null and l_lat is not null) as live_latency_ms,
             (count(*) filter (where s_lat is not null and l_lat is not null))::int as latency_pairs,
             avg(s_cost) filter (where s_cost is not null and l_cost is not null) as shadow_cost_usd,
             avg(l_cost) filter (where s_cost is not null and l_cost is not null) as live_cost_usd,
             (count(*) filter (where s_cost is not null and l_cost is not null))::int as cost_pairs,
             min(ts) as first_ts, max(ts) as last_ts
      from p group by variant order by variant`,
  );
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
  return rows.map((r) => ({
    policy: opts.policy,
    variant: String(r.variant),
    requests: Number(r.requests),
    shadow_ok: Number(r.shadow_ok),
    live_ok: Number(r.live_ok),
    same_model: Number(r.same_model),
    shadow_latency_ms: num(r.shadow_latency_ms),
    live_latency_ms: num(r.live_latency_ms),
    latency_pairs: Number(r.latency_pairs),
    shadow_cost_usd: num(r.shadow_cost_usd),
    live_cost_usd: num(r.live_cost_usd),
    cost_pairs: Number(r.cost_pairs),
    first_ts: iso(r.first_ts),
    last_ts: iso(r.last_ts),
  }));
}
