import type { Condition } from '../domain/policy-spec.js';
import type { LearnerReport } from '../domain/proposal.js';
import { hashSeed } from '../domain/rng.js';
import type { RunCase } from '../domain/run.js';
import type { QcPoint } from '../stats/frontier.js';
import type { OutcomeTable } from '../stats/outcome-table.js';
import { DEFAULT_GROUP } from './emit-spec.js';
import { hullWalk, type GroupModels, type HullSolution, type Mix, type Objective } from './hull-walk.js';

/** Folds of the cross-validation inside the train split that makes every choice. */
export const CV_FOLDS = 5;

/** How cases fall into groups that each get one mix: the structure a proposal chooses. */
export interface Grouping {
  kind: LearnerReport['kind'];
  keyOf(row: number): string;
  /** Ordered rules (first match wins), without the catch-all. */
  rules: Array<{ key: string; name: string; when: Condition }>;
  /**
   * Leaves of a tree: each group's per-model quality is shrunk toward its parent group's (all its
   * leaves pooled) with this prior weight in cases, (n·q + w·q_parent) / (n + w). Costs are kept.
   */
  shrink?: number;
  parentOf?(key: string): string;
}

/** One mix for all. */
export const globalGrouping: Grouping = { kind: 'global', keyOf: () => DEFAULT_GROUP, rules: [] };

export interface Fit {
  grouping: Grouping;
  solution: HullSolution;
  groups: GroupModels[];
}

/** What every choice inside `propose` works on: the run's outcome table, its train rows and folds. */
export interface FitContext {
  table: OutcomeTable;
  /** Models allowed by the latency ceiling, by name and by table column. */
  allowed: readonly string[];
  allowedIdx: readonly number[];
  cases: readonly RunCase[];
  caseAt(row: number): RunCase;
  trainRows: readonly number[];
  folds: number[][];
  /** Per group of `grouping` on `rows`, the exact hull-walk mix under `objective`. */
  fitMixes(grouping: Grouping, rows: readonly number[], objective: Objective): Fit;
}

export function fitterOf(table: OutcomeTable, allowed: readonly string[]): FitContext['fitMixes'] {
  return (grouping, rows, objective) => {
    const byGroup = new Map<string, number[]>();
    for (const r of rows) {
      const g = grouping.keyOf(r);
      let list = byGroup.get(g);
      if (!list) byGroup.set(g, (list = []));
      list.push(r);
    }
    const groups = [...byGroup.entries()].map(([k, rs]) => ({
      key: k,
      share: rs.length / rows.length,
      points: pointsOf(table, rs, allowed),
    }));
    const { shrink, parentOf } = grouping;
    if (shrink && parentOf) {
      const parentRows = new Map<string, number[]>();
      for (const [k, rs] of byGroup) {
        const p = parentOf(k);
        let list = parentRows.get(p);
        if (!list) parentRows.set(p, (list = []));
        for (const r of rs) list.push(r);
      }
      const parentPoints = new Map([...parentRows].map(([p, rs]) => [p, pointsOf(table, rs, allowed)]));
      for (const g of groups) {
        const n = (byGroup.get(g.key) as number[]).length;
        const prior = parentPoints.get(parentOf(g.key)) as QcPoint[];
        g.points = g.points.map((pt, i) => ({ ...pt, quality: (n * pt.quality + shrink * (prior[i] as QcPoint).quality) / (n + shrink) }));
      }
    }
    return { grouping, solution: hullWalk(groups, objective), groups };
  };
}

/** Each allowed model's mean cost and quality over `rows` (the same sums as stats' modelPoints, row-major). */
function pointsOf(table: OutcomeTable, rows: readonly number[], allowed: readonly string[]): QcPoint[] {
  const M = table.models.length;
  const q = new Float64Array(M);
  const c = new Float64Array(M);
  const { quality, cost } = table;
  for (const r of rows) {
    const at = r * M;
    for (let m = 0; m < M; m++) {
      q[m] = (q[m] as number) + (quality[at + m] as number);
      c[m] = (c[m] as number) + (cost[at + m] as number);
    }
  }
  const n = Math.max(1, rows.length);
  return allowed.map((label) => {
    const m = table.models.indexOf(label);
    return { label, cost: (c[m] as number) / n, quality: (q[m] as number) / n };
  });
}

/** q − λ·c per case and model; models left out (latency) are worth −∞. */
export function lagrangeValues(table: OutcomeTable, allowedIdx: readonly number[], lambda: number): Float64Array {
  const M = table.models.length;
  const n = table.caseIds.length;
  const out = new Float64Array(n * M).fill(Number.NEGATIVE_INFINITY);
  // An unreachable ceiling (λ = ∞) leaves only cost to minimise.
  const costOnly = !Number.isFinite(lambda);
  for (let r = 0; r < n; r++) {
    for (const m of allowedIdx) {
      const at = r * M + m;
      out[at] = costOnly ? -(table.cost[at] as number) : (table.quality[at] as number) - lambda * (table.cost[at] as number);
    }
  }
  return out;
}

export function compiledMixes(table: OutcomeTable, mixes: ReadonlyMap<string, Mix>): Map<string, Array<[number, number]>> {
  const out = new Map<string, Array<[number, number]>>();
  for (const [k, mix] of mixes) {
    out.set(
      k,
      Object.entries(mix)
        .map(([model, w]) => [table.models.indexOf(model), w] as [number, number])
        .filter(([m]) => m >= 0),
    );
  }
  return out;
}

/** Seeded folds by a hash of the case id: the same cases fall together on every machine. */
export function foldsOf(rows: readonly number[], idOf: (row: number) => string, seed: string): number[][] {
  const folds: number[][] = Array.from({ length: CV_FOLDS }, () => []);
  for (const r of rows) (folds[hashSeed(`${seed}\u0000${idOf(r)}`) % CV_FOLDS] as number[]).push(r);
  return folds.filter((f) => f.length > 0);
}

export function standardDeviation(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += xs[i] as number;
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += ((xs[i] as number) - mean) ** 2;
  return Math.sqrt(v / (n - 1));
}

/** Expected quality and cost per case of a mix on some cases (linear model). */
export function linearScore(table: OutcomeTable, rows: readonly number[], mix: Mix): { quality: number; cost: number } {
  const M = table.models.length;
  let q = 0;
  let c = 0;
  for (const [model, w] of Object.entries(mix)) {
    const m = table.models.indexOf(model);
    if (m < 0) continue;
    for (const r of rows) {
      q += w * (table.quality[r * M + m] as number);
      c += w * (table.cost[r * M + m] as number);
    }
  }
  const n = Math.max(1, rows.length);
  return { quality: q / n, cost: c / n };
}
