import type { LearnerReport } from '../domain/proposal.js';
import { DEFAULT_GROUP } from './emit-spec.js';
import type { FeatureSet } from './features.js';
import { groupFeatures } from './group-features.js';
import { DEFAULT_MIN_SEGMENT_N } from './choose-segments.js';
import { compiledMixes, globalGrouping, lagrangeValues, standardDeviation, type Fit, type FitContext, type Grouping } from './grouping.js';
import type { Objective } from './hull-walk.js';
import { growTree, truncateTree, type Tree, type TreeConfig } from './rule-tree.js';
import { nestedGrouping } from './nested-grouping.js';

/**
 * Prior weights (× the leaf size) cross-validated for shrinking a leaf's per-model quality toward
 * its group's: a small leaf's means are noisy, and its mix follows them.
 */
const SHRINK: readonly number[] = [0, 1];
/** Smallest leaf cross-validated when `--min-segment-n` is not given. */
const MIN_LEAF = 10;
/** Most tests a split may join with "or" (a learned keyword set), when cross-validation prefers it. */
export const MAX_OR = 8;

const treeName = (c: TreeConfig) =>
  `tree depth ≤ ${c.maxDepth}, leaves ≥ ${c.minLeaf}${(c.maxOr ?? 1) > 1 ? `, ≤ ${c.maxOr} tests per split` : ''}${c.shrink ? `, leaf quality shrunk toward its group (prior weight ${c.shrink})` : ''}`;

/** Out-of-fold quality and cost per train case (positions of `trainRows`). */
export interface PerRow {
  q: Float64Array;
  c: Float64Array;
}

export interface TreeChoice {
  /** The chosen structure: `base` split further by trees, or `base` itself. */
  structure: Grouping;
  config: TreeConfig | null;
  candidates: LearnerReport['candidates'];
  /** Out-of-fold figures of the chosen structure, for the learned scorer's comparison. */
  rulesPerRow: PerRow;
  /** True when the chosen tree splits all requests, not the base's groups (the base rules are dropped). */
  overAll: boolean;
}

/**
 * Per-request rule trees inside the groups of `base`, by cross-validation: depth 1–4 and a few leaf
 * sizes, each compared with `base` by the paired standard error of their out-of-fold difference
 * (quality − λ·cost per train case).
 */
export function chooseTree(
  ctx: FitContext,
  base: Grouping,
  baseName: string,
  target: Objective,
  lambdaAll: number,
  minSegmentN: number | undefined,
): TreeChoice {
  const { table, trainRows, folds, fitMixes } = ctx;
  const M = table.models.length;
  let structure = base;
  let rulesPerRow: PerRow | null = null;
  const candidates: LearnerReport['candidates'] = [];
  // Held-out quality and cost per train case for each structure, so candidates are compared with
  // the paired standard error of their difference (cross-validated on the same cases).
  const posOf = new Map(trainRows.map((r, i) => [r, i]));
  const heldFigures = (fit: Fit, held: readonly number[], q: Float64Array, c: Float64Array) => {
    const mixes = compiledMixes(table, fit.solution.mixes);
    const fallback = mixes.get(DEFAULT_GROUP) ?? [...mixes.values()][0] ?? [];
    for (const r of held) {
      const i = posOf.get(r) as number;
      for (const [m, w] of mixes.get(fit.grouping.keyOf(r)) ?? fallback) {
        q[i] = (q[i] as number) + w * (table.quality[r * M + m] as number);
        c[i] = (c[i] as number) + w * (table.cost[r * M + m] as number);
      }
    }
  };
  const lam = Number.isFinite(lambdaAll) ? lambdaAll : 0;
  const n = trainRows.length;
  const baseQ = new Float64Array(n);
  const baseC = new Float64Array(n);
  for (const held of folds) {
    const heldSet = new Set(held);
    const fitRows = trainRows.filter((r) => !heldSet.has(r));
    heldFigures(fitMixes(structure, fitRows, target), held, baseQ, baseC);
  }
  const mean = (xs: Float64Array) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  candidates.push({
    name: baseName,
    quality: mean(baseQ),
    cost_per_1k: mean(baseC) * 1000,
    chosen: false,
  });
  // Candidate tests per group of the base a tree grows in (memoised: the CV and the final fit share them).
  const featureOptions = { minSupport: Math.max(5, Math.floor(trainRows.length / 200)) };
  const featureSets = new Map<Grouping, FeatureSet>();
  const featuresFor = (g: Grouping) => {
    let set = featureSets.get(g);
    if (!set) featureSets.set(g, (set = groupFeatures(ctx.cases, trainRows, g, featureOptions)));
    return set;
  };
  const minLeafBase = Math.max(minSegmentN ?? DEFAULT_MIN_SEGMENT_N, Math.ceil(trainRows.length / 200));
  const none = { gain: 0, se: 0, config: null as TreeConfig | null, base: structure, label: '' };
  let best = none;
  // Trees inside the chosen segments, and (when there are segments) over all requests, where the
  // segment field is one candidate test among the others: small segments leave a tree no room.
  // Where data is scarce (the fixed leaf floor, not the run's size, sets the leaf) the leaves are
  // small and noisy: there the CV also tries trees over all requests, half-size leaves and leaf
  // quality shrunk toward the group. A large run has leaves of ≥ 1/200 of it: one set, bounded time.
  const scarce = Math.ceil(trainRows.length / 200) < minLeafBase;
  const shrinks = scarce ? SHRINK : [0];
  const bases = [{ grouping: structure, label: '' }];
  if (scarce && structure.kind !== 'global') bases.push({ grouping: globalGrouping, label: ', over all requests' });
  const leafSizes: Array<readonly [number, number]> = [
    [minLeafBase, 1],
    [4 * minLeafBase, 1],
    [minLeafBase, MAX_OR],
  ];
  const smallLeaf = Math.max(MIN_LEAF, Math.ceil(minLeafBase / 2));
  if (minSegmentN === undefined && scarce && smallLeaf < minLeafBase) leafSizes.push([smallLeaf, 1], [smallLeaf, MAX_OR]);
  // Per leaf size, one deepest tree per fold, cut at each depth (growth is greedy, so the cut
  // tree is the one a smaller depth limit grows): 2 growths per fold instead of 8.
  const depths = [1, 2, 3, 4];
  for (const { grouping: treeBase, label } of bases)
    for (const [minLeaf, maxOr] of leafSizes) {
      const features = featuresFor(treeBase);
      const figs = depths.flatMap(() => shrinks.map(() => ({ q: new Float64Array(n), c: new Float64Array(n) })));
      for (const held of folds) {
        const heldSet = new Set(held);
        const fitRows = trainRows.filter((r) => !heldSet.has(r));
        const deep = growPerGroup(
          ctx,
          features,
          fitRows,
          { maxDepth: depths[depths.length - 1] as number, minLeaf, maxOr },
          treeBase,
          fitMixes(treeBase, fitRows, target).solution.lambda,
        );
        depths.forEach((d, i) => {
          const cut = new Map([...deep].map(([k, t]) => [k, truncateTree(t, d)]));
          shrinks.forEach((w, j) => {
            const f = figs[i * shrinks.length + j] as { q: Float64Array; c: Float64Array };
            heldFigures(fitMixes(nestedGrouping(treeBase, cut, features, w * minLeaf), fitRows, target), held, f.q, f.c);
          });
        });
      }
      figs.forEach((f, at) => {
        const maxDepth = depths[Math.floor(at / shrinks.length)] as number;
        const shrink = (shrinks[at % shrinks.length] as number) * minLeaf;
        const diff = f.q.map((q, k) => q - lam * (f.c[k] as number) - ((baseQ[k] as number) - lam * (baseC[k] as number)));
        const gain = mean(diff);
        const se = standardDeviation(diff) / Math.sqrt(Math.max(1, n));
        const config = { maxDepth, minLeaf, maxOr, shrink };
        candidates.push({ name: treeName(config) + label, quality: mean(f.q), cost_per_1k: mean(f.c) * 1000, chosen: false });
        if (gain > best.gain + 1e-12) {
          best = { gain, se, config, base: treeBase, label };
          rulesPerRow = f;
        }
      });
    }
  // The one-standard-error rule: rules are kept only when they beat the simpler structure by more
  // than the noise of that comparison (the best of several noisy CV scores is optimistic).
  if (best.config && !(best.gain > best.se)) best = none;
  if (!best.config) rulesPerRow = { q: baseQ, c: baseC };
  const chosenName = best.config ? treeName(best.config) + best.label : (candidates[0] as { name: string }).name;
  for (const c of candidates) c.chosen = c.name === chosenName;
  if (best.config) {
    structure = treeGrouping(ctx, featuresFor(best.base), trainRows, best.config, best.base, target);
  }
  return {
    structure,
    config: best.config,
    candidates,
    rulesPerRow: rulesPerRow ?? { q: baseQ, c: baseC },
    overAll: best.config !== null && best.base !== base,
  };
}

/**
 * Trees grown inside each group of `base` (the chosen segments, or everything): per-request rules
 * are conjunctions of the segment's condition and the tests on the leaf's path.
 */
function growPerGroup(
  ctx: FitContext,
  features: FeatureSet,
  rows: readonly number[],
  config: TreeConfig,
  base: Grouping,
  lambda: number,
): Map<string, Tree> {
  const byGroup = new Map<string, number[]>();
  for (const r of rows) {
    const k = base.keyOf(r);
    let list = byGroup.get(k);
    if (!list) byGroup.set(k, (list = []));
    list.push(r);
  }
  const values = lagrangeValues(ctx.table, ctx.allowedIdx, lambda);
  const trees = new Map<string, Tree>();
  for (const [k, groupRows] of byGroup) trees.set(k, growTree(features, groupRows, values, ctx.table.models.length, config));
  return trees;
}

/** The validated procedure on some rows: trees grown at the price of quality of `base`'s fit. */
function treeGrouping(
  ctx: FitContext,
  features: FeatureSet,
  rows: readonly number[],
  config: TreeConfig,
  base: Grouping,
  target: Objective,
): Grouping {
  const lambda = ctx.fitMixes(base, rows, target).solution.lambda;
  return nestedGrouping(base, growPerGroup(ctx, features, rows, config, base, lambda), features, config.shrink ?? 0);
}
