import type { Condition } from '../domain/policy-spec.js';
import type { Figures, LearnerReport, RuleReport, SegmentDecision } from '../domain/proposal.js';
import type { OutcomeTable } from '../stats/outcome-table.js';
import { NO_SEGMENT } from '../stats/run-analysis.js';
import { DEFAULT_GROUP } from './emit-spec.js';
import { CV_FOLDS, linearScore, type Grouping } from './grouping.js';
import type { HoldoutCheck } from './holdout-check.js';
import type { Mix } from './hull-walk.js';
import { mixText, ms, pText, pts, ratio, usd1k } from './rationale.js';

/** Per-rule figures of the checked fit, on train and on the holdout, catch-all last. */
export function ruleReports(
  table: OutcomeTable,
  structure: Grouping,
  mixes: ReadonlyMap<string, Mix>,
  trainRows: readonly number[],
  holdRows: readonly number[],
): RuleReport[] {
  const rules: RuleReport[] = [];
  const ruleRows = (rows: readonly number[], k: string) => rows.filter((r) => structure.keyOf(r) === k);
  const figures = (rows: readonly number[], mix: Mix): Figures => {
    const s = linearScore(table, rows, mix);
    return { n: rows.length, quality: s.quality, cost_per_1k: s.cost * 1000 };
  };
  for (const r of [...structure.rules, { key: DEFAULT_GROUP, name: DEFAULT_GROUP, when: {} as Condition }]) {
    const mix = mixes.get(r.key);
    if (!mix) continue;
    rules.push({
      name: r.name,
      when: r.when,
      mix,
      train: figures(ruleRows(trainRows, r.key), mix),
      holdout: figures(ruleRows(holdRows, r.key), mix),
    });
  }
  return rules;
}

export interface OutcomeTextInput {
  trainN: number;
  holdoutN: number;
  candidates: LearnerReport['candidates'];
  structure: Grouping;
  rules: readonly RuleReport[];
  fallback: Mix;
  segments: readonly SegmentDecision[];
  segmentBy: string | undefined;
  check: HoldoutCheck;
  baseLabel: string;
  scorerLambda: number | null;
  scorerMix?: { lambda: number; weight: number } | null;
  /** Cases the policy was refitted on; null when there was no holdout (no refit). */
  refitCases: number | null;
}

/** The rationale lines after the objective: protocol, choice, routing, holdout figures, constraint. */
export function outcomeText(x: OutcomeTextInput): string[] {
  const { holdout, baseline, diff, holmQ, holmC, constraint } = x.check;
  const out: string[] = [];
  out.push(
    `Protocol: every choice was made by ${CV_FOLDS}-fold cross-validation inside the ${x.trainN} train cases; the ${x.holdoutN} holdout cases were used once, for the figures below.`,
  );
  if (x.candidates.length) {
    const chosen = x.candidates.find((c) => c.chosen);
    out.push(
      `Per-request rules: ${x.candidates.length} structures cross-validated; chosen: ${chosen?.name ?? 'none'} (CV quality ${chosen?.quality.toFixed(3) ?? '-'} at ${usd1k(chosen?.cost_per_1k ?? 0)}).`,
    );
  }
  if (x.structure.rules.length) {
    for (const r of x.rules)
      out.push(
        `${r.name === DEFAULT_GROUP ? 'Everything else' : x.structure.kind === 'segments' ? `Segment ${r.name}` : `Rule "${r.name}"`}: ${mixText(r.mix)}.`,
      );
  } else out.push(`Routing: ${mixText(x.fallback)}.`);
  for (const s of x.segments) if (!s.kept && s.key !== NO_SEGMENT) out.push(`Segment ${x.segmentBy}=${s.key} gets no rule: ${s.reason}.`);
  out.push(
    `Holdout quality ${holdout.quality.toFixed(3)} (95% CI ${holdout.quality_ci[0].toFixed(3)}–${holdout.quality_ci[1].toFixed(3)}) vs ${baseline.quality.toFixed(3)} for ${x.baseLabel}: ${pts(diff.mean)} (CI ${pts(diff.ci[0])} to ${pts(diff.ci[1])}, ${pText(diff.p_value)}, Holm ${pText(holmQ)}).`,
  );
  out.push(
    `Holdout cost ${usd1k(holdout.cost_per_1k)} vs ${usd1k(baseline.cost_per_1k)} (${ratio(holdout.cost_per_1k, baseline.cost_per_1k)}, Holm ${pText(holmC)}); p95 ${ms(holdout.p95_ms)} vs ${ms(baseline.p95_ms)}.`,
  );
  out.push(`Constraint: ${constraint.text}.`);
  if (x.scorerLambda !== null)
    out.push(
      `A learned scorer routes each request by its text (λ ${x.scorerLambda.toPrecision(3)} per USD${x.scorerMix ? `, and for ${Math.round(x.scorerMix.weight * 100)}% of requests λ ${x.scorerMix.lambda.toPrecision(3)}, so the expected cost lands on the ceiling` : ''}, chosen by cross-validation under the ceiling); the rules below route requests without text. It is evaluated only by routelab's router: no export format can express it.`,
    );
  if (x.refitCases !== null)
    out.push(
      `The policy below keeps these rules with mixes refitted on all ${x.refitCases} cases (train + holdout) under the same constraint.`,
    );

  return out;
}
