import type { Condition } from '../domain/policy-spec.js';
import { holdsOn, type FeatureSet } from './features.js';

/**
 * A shallow, cost-sensitive decision tree over the candidate tests of features.ts. Each case has a
 * value per model, quality − λ·cost (λ: the price of quality at the constraint, from the hull walk);
 * a leaf is worth the best single model's summed value, and a split is kept when its two leaves are
 * worth more than their parent. Depth and leaf size are limited (both chosen by cross-validation in
 * propose.ts). Leaves are only groups: their model mixes come from the hull walk under the one
 * global constraint, exactly as segments get theirs.
 */
export interface TreeConfig {
  maxDepth: number;
  minLeaf: number;
  /** Most tests one split may join with "or" (a keyword set); 1: single tests only. */
  maxOr?: number;
  /** Prior weight (cases) of the group's quality in each leaf's (0: none); used when fitting mixes. */
  shrink?: number;
}

/** A split holds when any of its tests holds (usually one; a learned keyword set otherwise). */
export type TreeNode = { leaf: true; id: number } | { leaf: false; features: number[]; yes: TreeNode; no: TreeNode };

export interface Tree {
  root: TreeNode;
  leaves: number;
}

/** values[row * M + m]: what routing that case to model m is worth. */
export function growTree(set: FeatureSet, rows: readonly number[], values: Float64Array, M: number, config: TreeConfig): Tree {
  const F = set.features.length;
  const sums = new Float64Array(F * M);
  const counts = new Int32Array(F);
  let leaves = 0;
  const mark = new Uint8Array(set.holds.length);
  const best = (s: ArrayLike<number>, off: number) => {
    let b = Number.NEGATIVE_INFINITY;
    for (let m = 0; m < M; m++) if ((s[off + m] as number) > b) b = s[off + m] as number;
    return b;
  };
  const grow = (node: readonly number[], depth: number): TreeNode => {
    if (depth >= config.maxDepth || node.length < 2 * config.minLeaf) return { leaf: true, id: leaves++ };
    const total = new Float64Array(M);
    const touched: number[] = [];
    for (const r of node) {
      const base = r * M;
      for (let m = 0; m < M; m++) total[m] = (total[m] as number) + (values[base + m] as number);
      const list = set.holds[r] as Int32Array;
      for (let k = 0; k < list.length; k++) {
        const f = list[k] as number;
        if (counts[f] === 0) touched.push(f);
        counts[f] = (counts[f] as number) + 1;
        const off = f * M;
        for (let m = 0; m < M; m++) sums[off + m] = (sums[off + m] as number) + (values[base + m] as number);
      }
    }
    const parent = best(total, 0);
    const rest = new Float64Array(M);
    let bestF = -1;
    let bestGain = 1e-9 * Math.max(1, Math.abs(parent));
    for (const f of touched) {
      const c = counts[f] as number;
      if (c < config.minLeaf || node.length - c < config.minLeaf) continue;
      const off = f * M;
      for (let m = 0; m < M; m++) rest[m] = (total[m] as number) - (sums[off + m] as number);
      const gain = best(sums, off) + best(rest, 0) - parent;
      // Ties go to the lower feature id, so the tree never depends on the order cases arrive in.
      if (gain > bestGain || (gain === bestGain && bestF >= 0 && f < bestF)) {
        bestGain = gain;
        bestF = f;
      }
    }
    if (bestF < 0) {
      for (const f of touched) {
        counts[f] = 0;
        sums.fill(0, f * M, f * M + M);
      }
      return { leaf: true, id: leaves++ };
    }
    // Greedy "or": add the test whose cases (not yet covered) raise the split's worth most.
    const chosen = [bestF];
    const yesSum = Float64Array.from(sums.subarray(bestF * M, bestF * M + M));
    let yesCount = counts[bestF] as number;
    for (const f of touched) {
      counts[f] = 0;
      sums.fill(0, f * M, f * M + M);
    }
    for (const r of node) mark[r] = holdsOn(set, r, bestF) ? 1 : 0;
    for (let step = 1; step < (config.maxOr ?? 1); step++) {
      const more: number[] = [];
      for (const r of node) {
        if (mark[r]) continue;
        const base = r * M;
        const list = set.holds[r] as Int32Array;
        for (let k = 0; k < list.length; k++) {
          const f = list[k] as number;
          if (counts[f] === 0) more.push(f);
          counts[f] = (counts[f] as number) + 1;
          const off = f * M;
          for (let m = 0; m < M; m++) sums[off + m] = (sums[off + m] as number) + (values[base + m] as number);
        }
      }
      let addF = -1;
      let addGain = bestGain + 1e-9 * Math.max(1, Math.abs(parent));
      const yesTry = new Float64Array(M);
      for (const f of more) {
        const c = yesCount + (counts[f] as number);
        if (node.length - c < config.minLeaf) continue;
        const off = f * M;
        for (let m = 0; m < M; m++) {
          yesTry[m] = (yesSum[m] as number) + (sums[off + m] as number);
          rest[m] = (total[m] as number) - (yesTry[m] as number);
        }
        const gain = best(yesTry, 0) + best(rest, 0) - parent;
        if (gain > addGain || (gain === addGain && addF >= 0 && f < addF)) {
          addGain = gain;
          addF = f;
        }
      }
      if (addF >= 0) {
        for (let m = 0; m < M; m++) yesSum[m] = (yesSum[m] as number) + (sums[addF * M + m] as number);
        yesCount += counts[addF] as number;
        bestGain = addGain;
        chosen.push(addF);
        for (const r of node) if (!mark[r] && holdsOn(set, r, addF)) mark[r] = 1;
      }
      for (const f of more) {
        counts[f] = 0;
        sums.fill(0, f * M, f * M + M);
      }
      if (addF < 0) break;
    }
    const yes: number[] = [];
    const no: number[] = [];
    for (const r of node) (mark[r] ? yes : no).push(r);
    const yesNode = grow(yes, depth + 1);
    const noNode = grow(no, depth + 1);
    return { leaf: false, features: chosen.sort((a, b) => a - b), yes: yesNode, no: noNode };
  };
  const root = grow(rows, 0);
  return { root, leaves };
}

export function leafOf(tree: Tree, set: FeatureSet, row: number): number {
  let node = tree.root;
  while (!node.leaf) node = node.features.some((f) => holdsOn(set, row, f)) ? node.yes : node.no;
  return node.id;
}

export interface LeafRule {
  leaf: number;
  /** The tests on the path that held (the ones that failed are implied by the rules before it). */
  path: number[];
  when: Condition;
  name: string;
}

/**
 * The tree as an ordered decision list: leaves depth-first, the "holds" branch first. A leaf's rule
 * is the conjunction of the tests that held on its path; the tests that failed need no negation,
 * because every case where one held was taken by an earlier rule. The last leaf is the catch-all.
 */
export function treeRules(tree: Tree, set: FeatureSet): LeafRule[] {
  const out: LeafRule[] = [];
  const feat = (f: number) => set.features[f] as FeatureSet['features'][number];
  const test = (fs: readonly number[]): Condition =>
    fs.length === 1
      ? { [feat(fs[0] as number).field]: feat(fs[0] as number).test }
      : { $or: fs.map((f) => ({ [feat(f).field]: feat(f).test })) };
  const label = (fs: readonly number[]) =>
    fs.length === 1 ? feat(fs[0] as number).label : `(${fs.map((f) => feat(f).label).join(' or ')})`;
  const walk = (node: TreeNode, path: number[][]) => {
    if (node.leaf) {
      const conds = path.map(test);
      const when: Condition = conds.length === 0 ? {} : conds.length === 1 ? (conds[0] as Condition) : { $and: conds };
      const name = path.length === 0 ? 'default' : path.map(label).join(' and ');
      out.push({ leaf: node.id, path: path.flat(), when, name });
      return;
    }
    walk(node.yes, [...path, node.features]);
    walk(node.no, path);
  };
  walk(tree.root, []);
  return out;
}

/**
 * The tree cut at a depth. Growth is greedy and depth-first, so this is exactly the tree that
 * growing with that depth limit would give: cross-validation grows once per leaf size and cuts.
 */
export function truncateTree(tree: Tree, maxDepth: number): Tree {
  let leaves = 0;
  const cut = (node: TreeNode, depth: number): TreeNode => {
    if (node.leaf || depth >= maxDepth) return { leaf: true, id: leaves++ };
    const yes = cut(node.yes, depth + 1);
    const no = cut(node.no, depth + 1);
    return { leaf: false, features: node.features, yes, no };
  };
  const root = cut(tree.root, 0);
  return { root, leaves };
}
