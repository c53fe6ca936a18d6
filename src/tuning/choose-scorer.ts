import type { PolicySpec } from '../domain/policy-spec.js';
import type { LearnerReport } from '../domain/proposal.js';
import { parseField } from '../domain/request-field.js';
import type { Rng } from '../domain/rng.js';
import type { Scorer } from '../domain/scorer-spec.js';
import { scorerFeatures, type ScorerFeatures } from '../policy/text-features.js';
import type { PerRow } from './choose-tree.js';
import type { FitContext } from './grouping.js';
import {
  chooseLambda,
  fitScorer,
  fitScorerCommittee,
  L2_GRID,
  L2_GRID_MAX_ROWS,
  meanCost,
  MAX_CV_ROWS,
  predictRow,
  SCORER_DIM,
  scorerSpec,
  type LambdaChoice,
  type ScorerData,
} from './scorer-fit.js';
import { fitCost, predictCost } from './cost-fit.js';

export interface ScorerChoice {
  data: ScorerData;
  lambda: number;
  /** The boundary mix of a second price, so that the expected CV cost lands on the ceiling. */
  mix: { lambda: number; weight: number } | null;
  l2: number;
  /** Priced by the per-request cost model (cost-fit.ts) rather than each model's mean cost. */
  perRequestCost: boolean;
  fields: string[];
}

/**
 * The learned scorer, a second kind of per-request proposal, cross-validated against the rules:
 * returns it when chosen (`learner: scorer`, or its paired CV quality beats the rules'), else null. Its candidate row is pushed onto `candidates`.
 */
export function chooseScorer(
  ctx: FitContext,
  options: { segment_by?: string | undefined; learner?: 'auto' | 'rules' | 'scorer' | undefined },
  maxCost: number,
  rulesPerRow: PerRow | null,
  candidates: LearnerReport['candidates'],
  rng: Rng,
): ScorerChoice | null {
  const { table, trainRows, folds, allowedIdx, caseAt } = ctx;
  const M = table.models.length;
  // The segment field, when given, is a feature too: the scorer starts from what segments know.
  const segField = options.segment_by ? parseField(options.segment_by) : null;
  const fieldRefs = segField?.ok ? [segField.field] : [];
  const featureCache: Array<ScorerFeatures | undefined> = new Array<ScorerFeatures | undefined>(table.caseIds.length);
  const data: ScorerData = {
    featuresOf: (r) => (featureCache[r] ??= scorerFeatures(caseAt(r), fieldRefs, SCORER_DIM)),
    dim: SCORER_DIM,
    tokensOf: (r) => caseAt(r).input_tokens,
    quality: table.quality,
    cost: table.cost,
    width: M,
    models: allowedIdx,
  };
  // On a large run, λ and the comparison look at an evenly spaced subset of the train cases
  // (positions kept, so the rules' per-case CV figures pair with them): bounded time.
  const step = Math.max(1, Math.ceil(trainRows.length / MAX_CV_ROWS));
  const cvPos = trainRows.map((_, i) => i).filter((i) => i % step === 0);
  const cvRows = cvPos.map((i) => trainRows[i] as number);
  const cvIndex = new Map(cvRows.map((r, j) => [r, j]));
  // Out-of-fold predictions: quality per penalty, cost (mean, or the per-request cost model) per fold.
  const heldOf = folds.map((held) => held.filter((r) => cvIndex.has(r)));
  const fitRowsOf = folds.map((held) => {
    const heldSet = new Set(held);
    return trainRows.filter((r) => !heldSet.has(r));
  });
  const meanCosts: Float64Array[] = new Array<Float64Array>(cvRows.length);
  const predCosts: Float64Array[] = new Array<Float64Array>(cvRows.length);
  folds.forEach((_, fi) => {
    const mean = meanCost(data, fitRowsOf[fi] as number[]);
    const costFit = fitCost(data, fitRowsOf[fi] as number[], rng.fork(`scorer-cost-cv:${fi}`));
    for (const r of heldOf[fi] as number[]) {
      const j = cvIndex.get(r) as number;
      meanCosts[j] = mean;
      predCosts[j] = predictCost(costFit, data.featuresOf(r), data.tokensOf(r), new Float64Array(allowedIdx.length));
    }
  });
  const qualityAt = (l2: number) => {
    const preds: Float64Array[] = new Array<Float64Array>(cvRows.length);
    folds.forEach((_, fi) => {
      const fit = fitScorer(data, fitRowsOf[fi] as number[], rng.fork(`scorer-cv:${fi}`), l2);
      for (const r of heldOf[fi] as number[])
        preds[cvIndex.get(r) as number] = predictRow(fit, data.featuresOf(r), new Float64Array(allowedIdx.length));
    });
    return preds;
  };
  // The penalty and the pricing by cross-validation too: the best CV quality under the ceiling.
  let choice: (LambdaChoice & { l2: number; perRequestCost: boolean }) | null = null;
  for (const l2 of trainRows.length > L2_GRID_MAX_ROWS ? L2_GRID.slice(0, 1) : L2_GRID) {
    const preds = qualityAt(l2);
    for (const perRequestCost of [false, true]) {
      const next = chooseLambda(data, cvRows, preds, perRequestCost ? predCosts : meanCosts, maxCost);
      if (!choice || next.quality > choice.quality + 1e-12) choice = { ...next, l2, perRequestCost };
    }
  }
  if (!choice) return null;
  // The scorer replaces the rules when its cross-validated quality, paired per train case, is higher.
  // Quality, not quality − λ·cost as for rule trees: both spend the budget up to the ceiling
  // (hull-walk mixes; the scorer's boundary mix of two prices). A one-standard-error margin for the
  // rules kept trees CV had scored lower and lost 1.5 points on AlpacaEval (HOW-IT-WORKS.md).
  const ruleFigs = rulesPerRow;
  let better = ruleFigs === null;
  if (ruleFigs) {
    const d = cvPos.map((i, j) => (choice.perRow.q[j] as number) - (ruleFigs.q[i] as number));
    better = d.reduce((a, x) => a + x, 0) / Math.max(1, d.length) > 1e-12;
  }
  const use = options.learner === 'scorer' || better;
  if (use) for (const c of candidates) c.chosen = false;
  candidates.push({
    name: `learned scorer (hashed word n-grams, ${SCORER_DIM} buckets a model${choice.perRequestCost ? ', cost per request' : ''})`,
    quality: choice.quality,
    cost_per_1k: choice.cost * 1000,
    chosen: use,
  });
  return use
    ? {
        data,
        lambda: choice.lambda,
        mix: choice.mix,
        l2: choice.l2,
        perRequestCost: choice.perRequestCost,
        fields: fieldRefs.map((f) => f.name),
      }
    : null;
}

/** The chosen scorer fitted on some rows, as the policy stores it. */
export function scorerOn(ctx: FitContext, choice: ScorerChoice | null, rows: readonly number[], rng: Rng): Scorer | null {
  if (!choice) return null;
  const fit = fitScorerCommittee(choice.data, rows, rng, choice.l2, choice.perRequestCost);
  return scorerSpec(
    fit,
    choice.data.models.map((m) => ctx.table.models[m] as string),
    choice.lambda,
    choice.fields,
    choice.mix,
  );
}

export function withScorer(spec: PolicySpec, scorer: Scorer | null): PolicySpec {
  return scorer ? { ...spec, policy: { ...spec.policy, scorer } } : spec;
}
