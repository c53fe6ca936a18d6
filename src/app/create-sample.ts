import { InputError } from '../domain/errors.js';
import { dataRecord, forStorage } from '../domain/data-record.js';
import { createRng } from '../domain/rng.js';
import type { Db } from '../store/db.js';
import { countStrata, insertSample, sampleExists, scanReplayable } from '../store/repos/sample-repo.js';
import type { StratumCount } from '../store/schema/traffic.js';
import { allocate, choosePositions, sizeForRate } from '../traffic/sample.js';

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

/**
 * Draw and store a named sample of replayable traffic. Strata sizes come from one GROUP BY; the
 * positions to take are chosen by the seeded pure core; one keyset scan by id then picks them. The
 * same data, options and seed give the same sample.
 */
export async function createSample(db: Db, opts: SampleOptions): Promise<SampleSummary> {
  if ((opts.size === undefined) === (opts.rate === undefined))
    throw new InputError('traffic sample: give exactly one of --size and --rate');
  if (opts.size !== undefined && !(Number.isInteger(opts.size) && opts.size > 0))
    throw new InputError(`--size: ${opts.size} is not a positive whole number`);
  if (opts.rate !== undefined && !(opts.rate > 0 && opts.rate <= 1)) throw new InputError(`--rate: ${opts.rate} is not in (0, 1]`);
  if (opts.since && opts.until && Date.parse(opts.since) >= Date.parse(opts.until)) throw new InputError('--since must be before --until');
  if (await sampleExists(db, opts.name)) throw new InputError(`sample "${opts.name}" already exists; choose another --name`);

  const seed = opts.seed ?? opts.name;
  const minPerStratum = opts.minPerStratum ?? 0;
  const window = {
    ...(opts.stratifyBy ? { stratifyBy: opts.stratifyBy } : {}),
    ...(opts.since ? { since: opts.since } : {}),
    ...(opts.until ? { until: opts.until } : {}),
  };
  const countRows = await countStrata(db, window);
  const population = countRows.reduce((s, r) => s + r.total, 0);
  const replayable = countRows.reduce((s, r) => s + r.replayable, 0);
  if (replayable === 0)
    throw new InputError(
      `traffic sample: no replayable traffic${opts.since || opts.until ? ' in that window' : ''}; run \`routelab traffic import\` first`,
    );
  const wanted = opts.size ?? sizeForRate(opts.rate as number, population);
  const alloc = allocate(
    countRows.map((r) => ({ stratum: r.stratum, population: r.replayable })),
    Math.min(wanted, replayable),
    minPerStratum,
  );

  const rng = createRng(seed);
  const positions = new Map<string, { at: Set<number>; seen: number }>();
  for (const [stratum, k] of alloc) {
    const n = countRows.find((r) => r.stratum === stratum)?.replayable ?? 0;
    positions.set(stratum, { at: new Set(choosePositions(n, k, rng.fork(stratum))), seen: 0 });
  }

  const picked: Array<{ trafficId: string; stratum: string }> = [];
  await scanReplayable(db, window, (row) => {
    const p = positions.get(row.stratum);
    if (p && p.at.has(p.seen++)) picked.push({ trafficId: row.id, stratum: row.stratum });
  });

  const size = picked.length;
  const rate = population ? size / population : 0;
  // Keyed by data (a stratum may be named `__proto__`): no prototype to collide with.
  const strata = dataRecord<StratumCount>();
  for (const r of countRows) strata[r.stratum] = { population: r.replayable, sampled: alloc.get(r.stratum) ?? 0 };
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
  const id = await insertSample(db, {
    name: opts.name,
    seed,
    rate,
    size,
    method,
    strata: forStorage(strata),
    items: picked.map((p) => ({ trafficId: p.trafficId, stratum: opts.stratifyBy ? p.stratum : null })),
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
