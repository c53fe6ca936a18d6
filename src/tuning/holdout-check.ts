import type { PolicySpec } from '../domain/policy-spec.js';
import type { ConstraintReport, SplitMetrics } from '../domain/proposal.js';
import type { Rng } from '../domain/rng.js';
import type { RunCase, VariantCaseResult } from '../domain/run.js';
import { evaluateVariant, type OutcomeMatrix } from '../replay/index.js';
import { bootstrapMeanCi } from '../stats/bootstrap.js';
import { holmAdjust } from '../stats/holm.js';
import { pairedBootstrap } from '../stats/paired.js';
import type { Objective } from './hull-walk.js';
import { pct, usd1k } from './rationale.js';
import { splitMetrics } from './split-metrics.js';

export interface HoldoutCheckInput {
  spec: PolicySpec;
  matrix: OutcomeMatrix;
  rate: number;
  seed: string;
  trainCases: readonly RunCase[];
  holdoutCases: readonly RunCase[];
  baseById: ReadonlyMap<string, VariantCaseResult>;
  baseHold: readonly VariantCaseResult[];
  bound: Objective;
  target: Objective;
  level: number;
  confidence: number | undefined;
  rng: Rng;
}

export interface HoldoutCheck {
  train: SplitMetrics;
  holdout: SplitMetrics;
  baseline: SplitMetrics;
  /** Paired proposal − baseline quality per request on the holdout. */
  diff: ReturnType<typeof pairedBootstrap>;
  /** Paired baseline − proposal cost per request on the holdout (positive: the proposal is cheaper). */
  costDiff: ReturnType<typeof pairedBootstrap>;
  holmQ: number;
  holmC: number;
  constraint: ConstraintReport;
}

/** The checked policy scored once on the holdout: metrics, paired tests (Holm), the constraint's bound. */
export function checkOnHoldout(x: HoldoutCheckInput): HoldoutCheck {
  const { rng, holdoutCases, baseById, bound, target, level } = x;
  const options = { confidence: x.confidence };
  const evalOn = (spec: PolicySpec, cases: readonly RunCase[]) => evaluateVariant(spec, cases, x.matrix, { rate: x.rate, seed: x.seed });
  const propTrain = evalOn(x.spec, x.trainCases);
  const propHold = evalOn(x.spec, holdoutCases);
  const train = splitMetrics(propTrain, rng.fork('train'));
  const holdout = splitMetrics(propHold, rng.fork('holdout'));
  const baseline = splitMetrics(x.baseHold, rng.fork('baseline'));
  const propById = new Map(propHold.map((r) => [r.case_id, r]));
  const paired = holdoutCases.filter((c) => baseById.has(c.case_id));
  const pick = (c: RunCase, by: ReadonlyMap<string, VariantCaseResult>) => by.get(c.case_id) as VariantCaseResult;
  const diff = pairedBootstrap(
    paired.map((c) => pick(c, propById).quality),
    paired.map((c) => pick(c, baseById).quality),
    { rng: rng.fork('diff') },
  );
  const costDiff = pairedBootstrap(
    paired.map((c) => pick(c, baseById).cost_usd),
    paired.map((c) => pick(c, propById).cost_usd),
    { rng: rng.fork('cost-diff') },
  );
  const [holmQ, holmC] = holmAdjust([diff.p_value, costDiff.p_value]) as [number, number];

  // The promise about unseen traffic: a one-sided bootstrap bound on the holdout.
  const oneSided = 2 * level - 1;
  const costCi = bootstrapMeanCi(
    propHold.map((r) => r.cost_usd),
    { rng: rng.fork('cost-bound'), level: oneSided },
  );
  const constraint: ConstraintReport =
    bound.kind === 'max_quality'
      ? {
          kind: 'max_cost',
          bound: bound.maxCost * 1000,
          target: (target as { maxCost: number }).maxCost * 1000,
          level,
          promise: costCi.ci[1] * 1000,
          holdout: holdout.cost_per_1k,
          met: options.confidence !== undefined ? costCi.ci[1] <= bound.maxCost * (1 + 1e-9) : costCi.ci[0] <= bound.maxCost * (1 + 1e-9),
          text: `cost ≤ ${usd1k(costCi.ci[1] * 1000)} with ${pct(level)} confidence (holdout bootstrap; ceiling ${usd1k(bound.maxCost * 1000)}${options.confidence !== undefined ? `, fitted to ${usd1k((target as { maxCost: number }).maxCost * 1000)} for --confidence ${level}` : ', fitted to the ceiling itself: expect about half of unseen samples above it by noise; --confidence 0.95 fits to a confident target'})`,
        }
      : {
          kind: 'min_quality',
          bound: bound.minQuality,
          target: bound.minQuality,
          level,
          promise: bootstrapMeanCi(
            propHold.map((r) => r.quality),
            { rng: rng.fork('quality-bound'), level: oneSided },
          ).ci[0],
          holdout: holdout.quality,
          met: holdout.quality >= bound.minQuality - 1e-12,
          text: '',
        };
  if (constraint.kind === 'min_quality')
    constraint.text = `quality ≥ ${constraint.promise.toFixed(3)} with ${pct(level)} confidence (holdout bootstrap; floor ${bound.kind === 'min_cost' ? bound.minQuality.toFixed(3) : ''})`;
  return { train, holdout, baseline, diff, costDiff, holmQ, holmC, constraint };
}
