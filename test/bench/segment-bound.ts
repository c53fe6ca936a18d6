/**
 * How far segment routing can go on a RouterBench-layout CSV, over several seeded fit/test splits:
 *
 *   npx tsx test/bench/segment-bound.ts <file.csv> [--segment-by eval_name] [--ceilings 0.25,0.5] [--fit-fraction 0.8] [--seeds 10]
 *
 * Per split (seeds s1..sN, as proposal-quality.ts's --split-seed) and ceiling (a ratio of the best
 * single model's cost on the fit side), as % of that model's quality and cost on the test side:
 *  - `fit→test`: the exact segment-level optimum (hull walk) fitted on the fit side, scored on the test side;
 *  - `test in-sample`: the segment optimum fitted on the test side itself (the upper bound of segment routing);
 *  - `one mix in-sample` and `per-request oracle` (each case its own group; no router can know it).
 * Prints the mean, sd and range of each over the splits. Reads only the path it is given.
 */
import { createReadStream } from 'node:fs';
import { readRouterbenchCsv } from '../../src/providers/routerbench-csv.js';
import { splitOf } from '../../src/replay/split.js';
import { hullWalk, type GroupModels, type Mix } from '../../src/tuning/hull-walk.js';
import { scriptArgs } from './script-args.js';

interface Row {
  id: string;
  segment: string;
  q: Map<string, number>;
  c: Map<string, number>;
}
const { file, flag } = scriptArgs(
  'tsx test/bench/segment-bound.ts <file.csv> [--segment-by F] [--ceilings 0.25,0.5] [--fit-fraction 0.8] [--seeds 10]',
);
const segmentBy = flag('--segment-by') ?? 'eval_name';
const ceilings = (flag('--ceilings') ?? '0.25,0.5').split(',').map(Number);
const fitFraction = Number(flag('--fit-fraction') ?? 0.8);
const seeds = Number(flag('--seeds') ?? 10);

const byId = new Map<string, Row>();
for await (const item of readRouterbenchCsv(createReadStream(file), file)) {
  if (!item.ok) continue;
  const r = item.row;
  let row = byId.get(r.case_id);
  if (!row) byId.set(r.case_id, (row = { id: r.case_id, segment: String(r.metadata?.[segmentBy] ?? ''), q: new Map(), c: new Map() }));
  row.q.set(r.model, r.score ?? 0);
  row.c.set(r.model, r.cost_usd ?? 0);
}
const rows = [...byId.values()];
const models = [...new Set(rows.flatMap((r) => [...r.q.keys()]))].sort();
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const of = (m: Map<string, number>, k: string) => m.get(k) ?? 0;

const groupsOf = (rs: readonly Row[], key: (r: Row) => string): GroupModels[] => {
  const by = new Map<string, Row[]>();
  for (const r of rs) {
    const list = by.get(key(r));
    if (list) list.push(r);
    else by.set(key(r), [r]);
  }
  return [...by].map(([k, g]) => ({
    key: k,
    share: g.length / rs.length,
    points: models.map((m) => ({ label: m, quality: mean(g.map((r) => of(r.q, m))), cost: mean(g.map((r) => of(r.c, m))) })),
  }));
};
const scored = (rs: readonly Row[], key: (r: Row) => string, mixes: ReadonlyMap<string, Mix>) => {
  let q = 0;
  let c = 0;
  for (const r of rs)
    for (const [m, w] of Object.entries(mixes.get(key(r)) ?? {})) {
      q += w * of(r.q, m);
      c += w * of(r.c, m);
    }
  return { q: q / rs.length, c: c / rs.length };
};

const figures = new Map<string, number[]>();
const add = (name: string, v: number) => figures.set(name, [...(figures.get(name) ?? []), v]);
const seg = (r: Row) => r.segment;
for (let s = 1; s <= seeds; s++) {
  const fit = rows.filter((r) => splitOf(r.id, `s${s}`, 1 - fitFraction) === 'train');
  const test = rows.filter((r) => splitOf(r.id, `s${s}`, 1 - fitFraction) === 'holdout');
  const best = models.map((m) => ({ m, q: mean(fit.map((r) => of(r.q, m))) })).sort((a, b) => b.q - a.q || a.m.localeCompare(b.m))[0] as {
    m: string;
  };
  const fitCost = mean(fit.map((r) => of(r.c, best.m)));
  const bq = mean(test.map((r) => of(r.q, best.m)));
  const bc = mean(test.map((r) => of(r.c, best.m)));
  for (const f of ceilings) {
    const at = `${f * 100}%`;
    const onFit = scored(test, seg, hullWalk(groupsOf(fit, seg), { kind: 'max_quality', maxCost: f * fitCost }).mixes);
    add(`${at} segments fit→test quality`, (100 * onFit.q) / bq);
    add(`${at} segments fit→test cost`, (100 * onFit.c) / bc);
    const inSample = (key: (r: Row) => string) =>
      (100 * scored(test, key, hullWalk(groupsOf(test, key), { kind: 'max_quality', maxCost: f * bc }).mixes).q) / bq;
    add(`${at} segments test in-sample quality`, inSample(seg));
    add(
      `${at} one mix test in-sample quality`,
      inSample(() => 'all'),
    );
    add(
      `${at} per-request oracle quality`,
      inSample((r) => r.id),
    );
  }
}
console.log(
  `${file}: ${rows.length} cases, ${models.length} models; ${seeds} splits fitting on ${fitFraction} (as % of the best single model on the test side)`,
);
for (const [name, vs] of figures) {
  const m = mean(vs);
  const sd = Math.sqrt(vs.reduce((a, v) => a + (v - m) ** 2, 0) / Math.max(1, vs.length - 1));
  console.log(
    `${name.padEnd(42)} mean ${m.toFixed(2)}  sd ${sd.toFixed(2)}  range ${Math.min(...vs).toFixed(2)}–${Math.max(...vs).toFixed(2)}`,
  );
}
