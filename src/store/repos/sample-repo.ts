import { and, asc, desc, eq, gt, gte, lt, sql, type SQL } from 'drizzle-orm';
import { InputError, NotFoundError } from '../../domain/errors.js';
import { parseField } from '../../domain/request-field.js';
import type { TrafficFormat, TrafficRecord } from '../../domain/traffic-record.js';
import type { Db } from '../db.js';
import { sampleItems, samples, traffic, type StratumCount } from '../schema/traffic.js';
import { rowsOf } from './traffic-repo.js';

/** Which records a sample draws from: a stratum field and a time window (ISO; since inclusive, until exclusive). */
export interface SampleWindow {
  /** A metadata field (`intent` or `metadata.intent`), or `model` / `format`. */
  stratifyBy?: string;
  since?: string;
  until?: string;
}

/** The stratum of a record missing the field. */
export const NO_VALUE = '(none)';
const PAGE = 10_000;

/** A text[] literal for `#>>`: each key double-quoted, so a key is data whatever it holds. */
function pgPath(keys: readonly string[]): string {
  return `{${keys.map((k) => `"${k.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

function stratumExpr(field: string | undefined): SQL {
  if (!field) return sql`'all'`;
  if (field === 'model' || field === 'response.model') return sql`coalesce(${traffic.response}->>'model', ${NO_VALUE})`;
  if (field === 'format') return sql`${traffic.format}`;
  // Named as everywhere else (domain/request-field.ts): metadata.X or X, params.X, input_tokens.
  const parsed = parseField(field);
  if (!parsed.ok) throw new InputError(`--stratify-by: ${parsed.message}`);
  const f = parsed.field;
  if (f.root === 'metadata') return sql`coalesce(${traffic.metadata} #>> ${pgPath(f.path)}::text[], ${NO_VALUE})`;
  if (f.root === 'params') return sql`coalesce(${traffic.request} #>> ${pgPath(['params', ...f.path])}::text[], ${NO_VALUE})`;
  throw new InputError(
    `--stratify-by: ${f.name} is computed per request and cannot stratify stored traffic; use metadata.<key> or params.<key>`,
  );
}

function windowWhere(opts: SampleWindow): SQL[] {
  // Only what completed imports wrote: a running, abandoned or killed import's rows are not traffic yet.
  const where: SQL[] = [
    sql`(${traffic.importId} is null or ${traffic.importId} in (select id from traffic_imports where state = 'completed'))`,
  ];
  if (opts.since) where.push(gte(traffic.ts, new Date(opts.since)));
  if (opts.until) where.push(lt(traffic.ts, new Date(opts.until)));
  return where;
}

/** Records in the window per stratum: all of them and the replayable ones. */
export async function countStrata(db: Db, opts: SampleWindow): Promise<Array<{ stratum: string; total: number; replayable: number }>> {
  const window = windowWhere(opts);
  const rows = rowsOf<{ stratum: string; total: number; replayable: number }>(
    await db.execute(sql`
      select ${stratumExpr(opts.stratifyBy)} as stratum, count(*)::int as total, (count(*) filter (where ${traffic.replayable}))::int as replayable
      from ${traffic} ${window.length ? sql`where ${and(...window)}` : sql``}
      group by 1`),
  );
  return rows.map((r) => ({ stratum: String(r.stratum), total: Number(r.total), replayable: Number(r.replayable) }));
}

export async function sampleExists(db: Db, name: string): Promise<boolean> {
  const existing = await db.select({ id: samples.id }).from(samples).where(eq(samples.name, name));
  return existing.length > 0;
}

/** Every replayable record in the window, in id order, a page at a time, with its stratum. */
export async function scanReplayable(db: Db, opts: SampleWindow, visit: (row: { id: string; stratum: string }) => void): Promise<void> {
  const expr = stratumExpr(opts.stratifyBy);
  const window = windowWhere(opts);
  let last = '';
  for (;;) {
    const page = await db
      .select({ id: traffic.id, stratum: sql<string>`${expr}` })
      .from(traffic)
      .where(and(eq(traffic.replayable, true), gt(traffic.id, last), ...window))
      .orderBy(asc(traffic.id))
      .limit(PAGE);
    for (const row of page) visit({ id: row.id, stratum: String(row.stratum) });
    if (page.length < PAGE) break;
    last = (page[page.length - 1] as { id: string }).id;
  }
}

export interface NewSample {
  name: string;
  seed: string;
  rate: number;
  size: number;
  method: Record<string, unknown>;
  strata: Record<string, StratumCount>;
  items: Array<{ trafficId: string; stratum: string | null }>;
}

/** Store a sample and its items in one transaction; returns its id. */
export async function insertSample(db: Db, s: NewSample): Promise<number> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(samples)
      .values({ name: s.name, seed: s.seed, rate: s.rate, size: s.size, method: s.method, strata: s.strata })
      .returning({ id: samples.id });
    if (!row) throw new Error('samples insert returned no row');
    for (let i = 0; i < s.items.length; i += 1000) {
      await tx
        .insert(sampleItems)
        .values(s.items.slice(i, i + 1000).map((p) => ({ sampleId: row.id, trafficId: p.trafficId, stratum: p.stratum })));
    }
    return row.id;
  });
}

export interface SampleInfo {
  id: number;
  name: string;
  rate: number;
  seed: string;
  size: number;
}

/** A sample and its records in timestamp order (the order stateful evaluation replays them in). */
export async function loadSampleRecords(db: Db, sampleName: string): Promise<{ sample: SampleInfo; records: TrafficRecord[] }> {
  const [sample] = await db
    .select({ id: samples.id, name: samples.name, rate: samples.rate, seed: samples.seed, size: samples.size })
    .from(samples)
    .where(eq(samples.name, sampleName));
  if (!sample) throw new NotFoundError('sample', sampleName, 'see `routelab traffic samples`');
  const rows = await db
    .select({
      id: traffic.id,
      ts: traffic.ts,
      request: traffic.request,
      metadata: traffic.metadata,
      response: traffic.response,
      replayable: traffic.replayable,
      format: traffic.format,
    })
    .from(sampleItems)
    .innerJoin(traffic, eq(sampleItems.trafficId, traffic.id))
    .where(eq(sampleItems.sampleId, sample.id))
    .orderBy(asc(traffic.ts), asc(traffic.id));
  return {
    sample,
    records: rows.map((r) => ({
      id: r.id,
      timestamp: r.ts.toISOString(),
      request: r.request,
      metadata: r.metadata,
      response: r.response,
      replayable: r.replayable,
      format: r.format as TrafficFormat,
    })),
  };
}

export async function listSamples(db: Db) {
  return db
    .select({
      id: samples.id,
      name: samples.name,
      seed: samples.seed,
      rate: samples.rate,
      size: samples.size,
      method: samples.method,
      strata: samples.strata,
      createdAt: samples.createdAt,
    })
    .from(samples)
    .orderBy(desc(samples.id));
}
