import { z } from 'zod';
import type { Outcome } from '../domain/outcome.js';
import type { Rng } from '../domain/rng.js';
import type { RunCase, VariantCaseResult } from '../domain/run.js';
import { holmAdjust } from './holm.js';
import { pairedBootstrap } from './paired.js';
import { segmentValue } from './run-analysis.js';

/** One paired comparison of run B against run A on the cases both share (diff = B − A quality). */
export const RunComparison = z.object({
  kind: z.enum(['model', 'variant']),
  model: z.string().nullable(),
  variant: z.string().nullable(),
  /** `all`, or `<field>=<value>` for one segment. */
  segment: z.string(),
  n: z.number().int(),
  a: z.number(),
  b: z.number(),
  diff: z.number(),
  ci: z.tuple([z.number(), z.number()]),
  p: z.number(),
  /** Holm-adjusted across every comparison of the pair of runs, as the reports do across variants. */
  p_holm: z.number(),
});
export type RunComparison = z.infer<typeof RunComparison>;

/** A (case, model) whose score moved most between the runs, with both answers to read. */
export const ChangedCase = z.object({
  case_id: z.string(),
  model: z.string(),
  a_score: z.number(),
  b_score: z.number(),
  change: z.number(),
  a_output: z.string().nullable(),
  b_output: z.string().nullable(),
});
export type ChangedCase = z.infer<typeof ChangedCase>;

export interface CompareSide {
  cases: readonly RunCase[];
  outcomes: readonly Outcome[];
  variants: ReadonlyArray<{ name: string; results: readonly VariantCaseResult[] }>;
}

export interface CompareOptions {
  rng: Rng;
  segmentBy?: string;
  /** Comparisons with fewer shared cases are left out (a CI over 3 cases says nothing). Default 5. */
  minCases?: number;
  /** How many changed cases to return (default 10). */
  changedLimit?: number;
  resamples?: number;
}

export interface RunsComparison {
  shared_cases: number;
  segment_by: string | null;
  comparisons: RunComparison[];
  changed: ChangedCase[];
}

/** A failed call scores 0, as it does for routing: an endpoint that started failing is a regression. */
const scoreOf = (o: Outcome) => o.score ?? 0;

/**
 * Paired comparison of two runs on the cases both hold: per model (its outcomes), per variant
 * (matched by name) and per segment, each a paired bootstrap of B − A with a CI, Holm-adjusted
 * across all of them. Pure: the rng is passed in, so the same runs and seed give the same numbers.
 */
export function compareRuns(a: CompareSide, b: CompareSide, options: CompareOptions): RunsComparison {
  const minCases = options.minCases ?? 5;
  const bCases = new Set(b.cases.map((c) => c.case_id));
  const shared = a.cases.filter((c) => bCases.has(c.case_id));
  const segOf = new Map(
    shared.map((c) => [c.case_id, options.segmentBy ? `${options.segmentBy}=${segmentValue(c, options.segmentBy)}` : 'all']),
  );
  const segments = ['all', ...(options.segmentBy ? [...new Set(segOf.values())].sort() : [])];
  const raw: Array<Omit<RunComparison, 'p_holm'>> = [];
  const add = (kind: RunComparison['kind'], name: string, pairs: Array<[string, number, number]>) => {
    for (const segment of segments) {
      const inSeg = segment === 'all' ? pairs : pairs.filter(([id]) => segOf.get(id) === segment);
      if (inSeg.length < minCases) continue;
      const av = Float64Array.from(inSeg, ([, x]) => x);
      const bv = Float64Array.from(inSeg, ([, , y]) => y);
      const d = pairedBootstrap(bv, av, { rng: options.rng, ...(options.resamples ? { resamples: options.resamples } : {}) });
      raw.push({
        kind,
        model: kind === 'model' ? name : null,
        variant: kind === 'variant' ? name : null,
        segment,
        n: inSeg.length,
        a: meanOf(av),
        b: meanOf(bv),
        diff: d.mean,
        ci: d.ci,
        p: d.p_value,
      });
    }
  };

  const byPair = (outcomes: readonly Outcome[]) => new Map(outcomes.map((o) => [`${o.case_id}\u0000${o.model}`, o]));
  const aOut = byPair(a.outcomes);
  const bOut = byPair(b.outcomes);
  const models = [...new Set(a.outcomes.map((o) => o.model))].filter((m) => b.outcomes.some((o) => o.model === m)).sort();
  const changed: ChangedCase[] = [];
  for (const model of models) {
    const pairs: Array<[string, number, number]> = [];
    for (const c of shared) {
      const x = aOut.get(`${c.case_id}\u0000${model}`);
      const y = bOut.get(`${c.case_id}\u0000${model}`);
      if (!x || !y) continue;
      pairs.push([c.case_id, scoreOf(x), scoreOf(y)]);
      const change = scoreOf(y) - scoreOf(x);
      if (change !== 0 || x.output !== y.output)
        changed.push({
          case_id: c.case_id,
          model,
          a_score: scoreOf(x),
          b_score: scoreOf(y),
          change,
          a_output: x.output,
          b_output: y.output,
        });
    }
    add('model', model, pairs);
  }
  for (const va of a.variants) {
    const vb = b.variants.find((v) => v.name === va.name);
    if (!vb) continue;
    const bRes = new Map(vb.results.map((r) => [r.case_id, r.quality]));
    const pairs: Array<[string, number, number]> = [];
    for (const r of va.results) {
      const y = bRes.get(r.case_id);
      if (y !== undefined && segOf.has(r.case_id)) pairs.push([r.case_id, r.quality, y]);
    }
    add('variant', va.name, pairs);
  }
  const adjusted = holmAdjust(raw.map((r) => r.p));
  // Biggest score change first; among equal ones, a changed answer text, then stable by id.
  changed.sort(
    (x, y) =>
      Math.abs(y.change) - Math.abs(x.change) || (x.case_id < y.case_id ? -1 : x.case_id > y.case_id ? 1 : x.model < y.model ? -1 : 1),
  );
  return {
    shared_cases: shared.length,
    segment_by: options.segmentBy ?? null,
    comparisons: raw.map((r, i) => ({ ...r, p_holm: adjusted[i] ?? 1 })),
    changed: changed.slice(0, options.changedLimit ?? 10),
  };
}

function meanOf(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return x.length === 0 ? Number.NaN : s / x.length;
}
