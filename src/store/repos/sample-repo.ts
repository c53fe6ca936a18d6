import { and, asc, desc, eq, gt, gte, lt, sql, type SQL } from 'drizzle-orm';
import { dataRecord, forStorage } from '../../domain/data-record.js';
import { InputError, NotFoundError } from '../../domain/errors.js';
import { createRng } from '../../domain/rng.js';
import type { TrafficFormat, TrafficRecord } from '../../domain/traffic-record.js';
import { allocate, choosePositions, sizeForRate } from '../../traffic/sample.js';
import type { Db } from '../db.js';
import { sampleItems, samples, traffic, type StratumCount } from '../schema/traffic.js';
import { rowsOf } from './traffic-repo.js';

export interface SampleOptions {
  name: string;
  /** Exactly one of size and rate. */
  size?: number;
  rate?: number;
  /** A metadata field (`intent` or `metadata.intent`), or `model` / `format`. */
  stratifyBy?: string;
  minPerStratum?: number;
  /** ISO timestamps; since inclusive, until exclusive. */
  since?: string;
  until?: string;
  /** Default: the sample's name, so a sample is reproducible even when no seed was given. */
  seed?: string;
}

export interface SampleSummary {
  id: number;
  name: string;
  seed: string;
  size: number;
  /** size / all records in the window: one sampled request stands for 1/rate real ones. */
  rate: number;
  /** All records in the window, replayable or not. */
  population: number;
  /** Of those, the ones that can be replayed (the only ones drawn). */
  replayable: number;
  stratify_by: string | null;
  min_per_stratum: number;
  since: string | null;
  until: string | null;
  strata: Array<{ stratum: string; population: number; sampled: number }>;
}

/** The stratum of a record missing the field. */
export const NO_VALUE = '(none)';
const PAGE = 10_000;

function stratumExpr(field: string | undefined): SQL {
  if (!field) return sql`'all'`;
  if (field === 'model' || field === 'response.model') return sql`coalesce(${traffic.response}->>'model', ${NO_VALUE})`;
  if (field === 'format') return sql`${traffic.format}`;
  const key = field.startsWith('metadata.') ? field.slice('metadata.'.length) : field;
  return sql`coalesce(${traffic.metadata}->>${key}, ${NO_VALUE})`;
}

function windowWhere(opts: SampleOptions): SQL[] {
  const where: SQL[] = [];
  if (opts.since) where.push(gte(traffic.ts, new Date(opts.since)));
  if (opts.until) where.push(lt(traffic.ts, new Date(opts.until)));
  return where;
}

/**
 * Draw and store a named sample of replayable traffic. Strata sizes come from one GROUP BY; the
 * positions to take are chosen by the seeded pure core; one keyset scan by id then picks them. The
 * same data, options and seed give the same sample.
 */
export async function createSample(db: Db, opts: SampleOptions): Promise<SampleSummary> {
  if ((opts.size === undefined) === (opts.rate === undefined)) throw new InputError('traffic sample: give exactly one of --size and --rate');
  if (opts.size !== undefined && !(Number.isInteger(opts.size) && opts.size > 0)) throw new InputError(`--size: ${opts.size} is not a positive whole number`);
  if (opts.rate !== undefined && !(opts.rate > 0 && opts.rate <= 1)) throw new InputError(`--rate: ${opts.rate} is not in (0, 1]`);
  if (opts.since && opts.until && Date.parse(opts.since) >= Date.parse(opts.until)) throw new InputError('--since must be before --until');
  const existing = await db.select({ id: samples.id }).from(samples).where(eq(samples.name, opts.name));
  if (existing.length) throw new InputError(`sample "${opts.name}" already exists; choose another --name`);

  const seed = opts.seed ?? opts.name;
  const minPerStratum = opts.minPerStratum ?? 0;
  const expr = stratumExpr(opts.stratifyBy);
  const window = windowWhere(opts);
  const countRows = rowsOf<{ stratum: string; total: number; replayable: number }>(
    await db.execute(sql`
      select ${expr} as stratum, count(*)::int as total, (count(*) filter (where ${traffic.replayable}))::int as replayable
      from ${traffic} ${window.length ? sql`where ${and(...window)}` : sql``}
      group by 1`),
  );
  const population = countRows.reduce((s, r) => s + Number(r.total), 0);
  const replayable = countRows.reduce((s, r) => s + Number(r.replayable), 0);
  if (replayable === 0) throw new InputError(`traffic sample: no replayable traffic${opts.since || opts.until ? ' in that window' : ''}; run \`routelab traffic import\` first`);
  const wanted = opts.size ?? sizeForRate(opts.rate as number, population);
  const alloc = allocate(
    countRows.map((r) => ({ stratum: String(r.stratum), population: Number(r.replayable) })),
    Math.min(wanted, replayable),
    minPerStratum,
  );

  const rng = createRng(seed);
  const positions = new Map<string, { at: Set<number>; seen: number }>();
  for (const [stratum, k] of alloc) {
    const n = Number(countRows.find((r) => String(r.stratum) === stratum)?.replayable ?? 0);
    positions.set(stratum, { at: new Set(choosePositions(n, k, rng.fork(stratum))), seen: 0 });
  }

  const picked: Array<{ trafficId: string; stratum: string }> = [];
  let last = '';
  for (;;) {
    const page = await db
      .select({ id: traffic.id, stratum: sql<string>`${expr}` })
      .from(traffic)
      .where(and(eq(traffic.replayable, true), gt(traffic.id, last), ...window))
      .orderBy(asc(traffic.id))
      .limit(PAGE);
    for (const row of page) {
      const p = positions.get(String(row.stratum));
      if (p && p.at.has(p.seen++)) picked.push({ trafficId: row.id, stratum: String(row.stratum) });
    }
    if (page.length < PAGE) break;
    last = (page[page.length - 1] as { id: string }).id;
  }

  const size = picked.length;
  const rate = population ? size / population : 0;
  const strata = dataRecord<StratumCount>();
  for (const r of countRows) strata[String(r.stratum)] = { population: Number(r.replayable), sampled: alloc.get(String(r.stratum)) ?? 0 };
  const method = {
    stratify_by: opts.stratifyBy ?? null,
    min_per_stratum: minPerStratum,
    since: opts.since ?? null,
    until: opts.until ?? null,
    requested_size: opts.size ?? null,
    requested_rate: opts.rate ?? null,
    population,
    replayable,
  };

  const id = await db.transaction(async (tx) => {
    const [row] = await tx.insert(samples).values({ name: opts.name, seed, rate, size, method, strata: forStorage(strata) }).returning({ id: samples.id });
    if (!row) throw new Error('samples insert returned no row');
    for (let i = 0; i < picked.length; i += 1000) {
      await tx.insert(sampleItems).values(picked.slice(i, i + 1000).map((p) => ({ sampleId: row.id, trafficId: p.trafficId, stratum: opts.stratifyBy ? p.stratum : null })));
    }
    return row.id;
  });

  return {
    id,
    name: opts.name,
    seed,
    size,
    rate,
    population,
    replayable,
    stratify_by: opts.stratifyBy ?? null,
    min_per_stratum: minPerStratum,
    since: opts.since ?? null,
    until: opts.until ?? null,
    strata: Object.entries(strata)
      .map(([stratum, c]) => ({ stratum, ...c }))
      .sort((a, b) => b.population - a.population || (a.stratum < b.stratum ? -1 : 1)),
  };
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
    .select({ id: samples.id, name: samples.name, seed: samples.seed, rate: samples.rate, size: samples.size, method: samples.method, strata: samples.strata, createdAt: samples.createdAt })
    .from(samples)
    .orderBy(desc(samples.id));
}
