import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db.js';
import { runAggregates, runSteps } from '../schema/nightly.js';
import { policies } from '../schema/policy.js';
import { runs } from '../schema/runs.js';

async function query<T>(db: Db, statement: SQL): Promise<T[]> {
  const r = (await db.execute(statement)) as unknown;
  return Array.isArray(r) ? (r as T[]) : ((r as { rows: T[] }).rows ?? []);
}

// ── steps ───────────────────────────────────────────────────────────────────────────────────────

export const StepStatus = z.enum(['ok', 'failed', 'skipped']);
export type StepStatus = z.infer<typeof StepStatus>;

export const RunStep = z.object({ step: z.string(), status: StepStatus, detail: z.string().nullable(), finished_at: z.string() });
export type RunStep = z.infer<typeof RunStep>;

/** Record (or re-record, on a retried nightly) one step's outcome. */
export async function recordStep(
  db: Db,
  runId: string,
  step: { name: string; ord: number; status: StepStatus; detail: string | null; at: Date },
): Promise<void> {
  await db
    .insert(runSteps)
    .values({ runId, step: step.name, ord: step.ord, status: step.status, detail: step.detail, finishedAt: step.at })
    .onConflictDoUpdate({
      target: [runSteps.runId, runSteps.step],
      set: { status: step.status, detail: step.detail, finishedAt: step.at, ord: step.ord },
    });
}

export async function listSteps(db: Db, runId: string): Promise<RunStep[]> {
  const rows = await db.select().from(runSteps).where(eq(runSteps.runId, runId)).orderBy(asc(runSteps.ord));
  return rows.map((r) => ({ step: r.step, status: StepStatus.parse(r.status), detail: r.detail, finished_at: r.finishedAt.toISOString() }));
}

/** The failed steps of each of these runs (runs without one are absent). */
export async function failedSteps(db: Db, runIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (runIds.length === 0) return out;
  const rows = await db
    .select({ runId: runSteps.runId, step: runSteps.step })
    .from(runSteps)
    .where(and(inArray(runSteps.runId, [...runIds]), eq(runSteps.status, 'failed')))
    .orderBy(asc(runSteps.ord));
  for (const r of rows) out.set(r.runId, [...(out.get(r.runId) ?? []), r.step]);
  return out;
}

// ── aggregates ──────────────────────────────────────────────────────────────────────────────────

export const TrendPoint = z.object({
  run_id: z.string(),
  kind: z.enum(['model', 'variant']),
  name: z.string(),
  run_at: z.string(),
  n: z.number().int(),
  quality: z.number(),
  quality_ci: z.tuple([z.number(), z.number()]),
  cost_per_1k: z.number(),
  p95_ms: z.number(),
  error_rate: z.number(),
  error_ci: z.tuple([z.number(), z.number()]),
});
export type TrendPoint = z.infer<typeof TrendPoint>;

const Z95 = 1.959963984540054;

/**
 * Write the run's per-model (from its outcomes) and per-variant (from its results) figures. Quality
 * CIs are normal intervals (n is in the hundreds on a nightly); error-rate CIs are Wilson. Written
 * again on a re-aggregation, with the same values.
 */
export async function storeRunAggregates(db: Db, runId: string): Promise<number> {
  const rows = await query<{
    kind: string;
    name: string;
    n: number;
    quality: number;
    sd: number | null;
    cost: number;
    p95: number | null;
    err: number;
  }>(
    db,
    sql`select 'model' as kind, model as name, count(*)::int as n, avg(coalesce(score, 0))::float8 as quality,
               stddev_samp(coalesce(score, 0))::float8 as sd, coalesce(avg(cost_usd), 0)::float8 * 1000 as cost,
               percentile_cont(0.95) within group (order by latency_ms)::float8 as p95,
               avg(case when status between 200 and 299 then 0 else 1 end)::float8 as err
          from run_outcomes where run_id = ${runId} group by model
        union all
        select 'variant', v.name, count(*)::int, avg(r.quality)::float8, stddev_samp(r.quality)::float8,
               coalesce(avg(r.cost_usd), 0)::float8 * 1000, percentile_cont(0.95) within group (order by r.latency_ms)::float8,
               coalesce(avg(r.p_error), 0)::float8
          from variant_results r join run_variants v on v.run_id = r.run_id and v.idx = r.variant_idx
         where r.run_id = ${runId} and r.failure is null group by v.name`,
  );
  const [run] = await db.select({ policyId: runs.policyId, createdAt: runs.createdAt }).from(runs).where(eq(runs.id, runId)).limit(1);
  if (!run || rows.length === 0) return 0;
  const values = rows.map((r) => {
    const n = Number(r.n);
    const q = Number(r.quality);
    const half = n > 1 && r.sd !== null ? (Z95 * Number(r.sd)) / Math.sqrt(n) : 0;
    const [errorLo, errorHi] = wilson(Number(r.err), n);
    return {
      runId,
      kind: r.kind,
      name: r.name,
      policyId: run.policyId,
      runAt: run.createdAt,
      n,
      quality: q,
      qualityLo: Math.max(0, q - half),
      qualityHi: Math.min(1, q + half),
      costPer1k: Number(r.cost),
      p95Ms: Number(r.p95 ?? 0),
      errorRate: Number(r.err),
      errorLo,
      errorHi,
    };
  });
  await db
    .insert(runAggregates)
    .values(values)
    .onConflictDoUpdate({
      target: [runAggregates.runId, runAggregates.kind, runAggregates.name],
      set: {
        n: sql`excluded.n`,
        quality: sql`excluded.quality`,
        qualityLo: sql`excluded.quality_lo`,
        qualityHi: sql`excluded.quality_hi`,
        costPer1k: sql`excluded.cost_per_1k`,
        p95Ms: sql`excluded.p95_ms`,
        errorRate: sql`excluded.error_rate`,
        errorLo: sql`excluded.error_lo`,
        errorHi: sql`excluded.error_hi`,
      },
    });
  return values.length;
}

function wilson(p: number, n: number): [number, number] {
  if (n <= 0) return [0, 1];
  const z2 = Z95 * Z95;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface TrendFilter {
  policy?: string;
  /** A model or variant name. */
  name?: string;
  since?: Date;
}

/**
 * Trend points oldest first, read from run_aggregates alone (the policy name is resolved first).
 * Raw SQL with the time formatted by the server: through the query builder, mapping rows and
 * parsing timestamps cost 5× the query itself.
 */
export async function readTrends(db: Db, filter: TrendFilter): Promise<TrendPoint[] | undefined> {
  const where: SQL[] = [sql`true`];
  if (filter.policy !== undefined) {
    const [p] = await db.select({ id: policies.id }).from(policies).where(eq(policies.name, filter.policy)).limit(1);
    if (!p) return undefined;
    where.push(sql`policy_id = ${p.id}`);
  }
  if (filter.name !== undefined) where.push(sql`name = ${filter.name}`);
  if (filter.since !== undefined) where.push(sql`run_at >= ${filter.since.toISOString()}::timestamptz`);
  // One row per run with its entries as a JSON array: a year of nightlies is a few hundred rows on
  // the wire instead of thousands, and JSON.parse of one array beats decoding thousands of rows.
  const rows = await query<{ run_id: string; at: string; e: string | Entry[] }>(
    db,
    sql`select run_id, to_char(min(run_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
               json_agg(json_build_array(kind, name, n, quality, quality_lo, quality_hi, cost_per_1k, p95_ms, error_rate, error_lo, error_hi) order by kind, name)::text as e
          from run_aggregates where ${sql.join(where, sql` and `)}
         group by run_id order by min(run_at), run_id`,
  );
  const out: TrendPoint[] = [];
  for (const r of rows) {
    const entries = typeof r.e === 'string' ? (JSON.parse(r.e) as Entry[]) : r.e;
    for (const [kind, name, n, q, ql, qh, c, p95, e, el, eh] of entries) {
      out.push({
        run_id: r.run_id,
        kind: kind === 'variant' ? 'variant' : 'model',
        name,
        run_at: r.at,
        n,
        quality: q,
        quality_ci: [ql, qh],
        cost_per_1k: c,
        p95_ms: p95,
        error_rate: e,
        error_ci: [el, eh],
      });
    }
  }
  return out;
}

type Entry = [string, string, number, number, number, number, number, number, number, number, number];

// ── history for regression detection ────────────────────────────────────────────────────────────

/**
 * Up to k finished runs of the same policy over the same kind of source (and the same golden or
 * recorded set by name) created before this one, oldest first: the rolling baseline.
 */
export async function baselineRunIds(db: Db, runId: string, k: number): Promise<string[]> {
  const [run] = await db.select().from(runs).where(eq(runs.id, runId)).limit(1);
  if (!run) return [];
  const sameSource =
    run.sourceKind === 'sample'
      ? eq(runs.sourceKind, 'sample')
      : and(eq(runs.sourceKind, run.sourceKind), eq(runs.sourceName, run.sourceName));
  const rows = await db
    .select({ id: runs.id })
    .from(runs)
    .where(
      and(
        eq(runs.policyId, run.policyId),
        sameSource,
        inArray(runs.status, ['completed', 'capped']),
        or(lt(runs.createdAt, run.createdAt), and(eq(runs.createdAt, run.createdAt), lt(runs.id, run.id))),
      ),
    )
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(k);
  return rows.map((r) => r.id).reverse();
}

/** (case, model) rows of a run for the detector, each with its case's segment value. */
export async function nightRows(db: Db, runId: string, segmentBy: string | null) {
  const rows = await query<{
    case_id: string;
    model: string;
    segment: string | null;
    score: number | null;
    status: number;
    cost_usd: number | null;
    latency_ms: number | null;
  }>(
    db,
    sql`select o.case_id, o.model, ${segmentBy === null ? sql`null` : sql`c.metadata ->> ${segmentBy}`} as segment,
               o.score, o.status, o.cost_usd, o.latency_ms
          from run_outcomes o join run_cases c on c.run_id = o.run_id and c.case_id = o.case_id
         where o.run_id = ${runId}`,
  );
  return rows.map((r) => {
    const ok = r.status >= 200 && r.status < 300;
    return {
      case_id: r.case_id,
      model: r.model,
      segment: segmentBy === null ? 'all' : `${segmentBy}=${r.segment ?? '(none)'}`,
      quality: ok ? Number(r.score ?? 0) : 0,
      error: ok ? 0 : 1,
      cost: Number(r.cost_usd ?? 0),
      latency: Number(r.latency_ms ?? 0),
    };
  });
}
