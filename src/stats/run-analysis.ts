import { fieldKey, NO_VALUE, parseField, readField, type FieldSource } from '../domain/request-field.js';
import type { Outcome } from '../domain/outcome.js';
import type { Rng } from '../domain/rng.js';
import type { RunCase, VariantCaseResult } from '../domain/run.js';
import { aiq } from './aiq.js';
import { apgr, cpt, oracleCurve, randomCurve } from './apgr.js';
import { bestSingle, cheapestSingle, modelPoints, nonDecreasingHull, oraclePoint, randomRouting, type QcPoint } from './frontier.js';
import { groupStats, MIN_SAMPLES, type GroupStats, type StatRow } from './group-stats.js';
import { holmAdjust } from './holm.js';
import { buildOutcomeTable, type OutcomeTable } from './outcome-table.js';
import { pairedBootstrap, type PairedDiff } from './paired.js';

export interface AnalysisVariant {
  name: string;
  version: number | null;
  isBaseline: boolean;
  results: readonly VariantCaseResult[];
}

export interface AnalysisInput {
  cases: readonly RunCase[];
  outcomes: readonly Outcome[];
  variants: readonly AnalysisVariant[];
}

export interface AnalysisOptions {
  rng: Rng;
  /** Metadata field to break results down by (e.g. `intent`, `eval_name`). */
  segmentBy?: string;
  resamples?: number;
  minSamples?: number;
  /** Family-wise significance level for the Holm-corrected comparisons. */
  alpha?: number;
}

export interface Comparison {
  variant: string;
  baseline: string;
  /** Paired quality difference variant − baseline. */
  quality: PairedDiff;
  /** Mean cost-per-request difference (USD). */
  cost_diff: number;
  p_holm: number;
  significant: boolean;
  warning: string | null;
}

export interface SegmentBreakdown {
  value: string;
  n: number;
  variants: GroupStats[];
  models: GroupStats[];
}

export interface TwoModelMetrics {
  weak: string;
  strong: string;
  weak_quality: number;
  strong_quality: number;
  /** The oracle router's curve (RouteLLM's "optimal"). */
  oracle: { apgr: number; cpt50: number; cpt80: number };
  /** Random routing: the straight line, APGR 0.5. */
  random: { apgr: number; cpt50: number; cpt80: number };
}

export interface RunAnalysis {
  n: number;
  variants: GroupStats[];
  models: GroupStats[];
  segmentBy: string | null;
  segments: SegmentBreakdown[];
  comparisons: Comparison[];
  frontier: {
    models: QcPoint[];
    variants: QcPoint[];
    /** Non-decreasing convex hull of the single models (what weight mixes can reach). */
    hull: QcPoint[];
    oracle: QcPoint;
    best_single: QcPoint | null;
    cheapest_single: QcPoint | null;
    random: QcPoint;
    /** RouterBench AIQ of the model mixes. */
    aiq: number;
  };
  two_model: TwoModelMetrics | null;
  warnings: string[];
}

export const NO_SEGMENT = NO_VALUE;

/** A case's group under a field named as anywhere else (`metadata.X`, `X`, `params.X`, `input.*`). */
export function segmentValue(c: FieldSource, field: string): string {
  const parsed = parseField(field);
  return parsed.ok ? fieldKey(readField(c, parsed.field)) : NO_SEGMENT;
}

function modelRows(table: OutcomeTable, m: number, rows: readonly number[]): StatRow[] {
  const M = table.models.length;
  return rows.map((r) => {
    const at = r * M + m;
    return {
      quality: table.quality[at] as number,
      pass: table.pass[at] as number,
      cost_usd: table.cost[at] as number,
      latency_ms: table.latency[at] as number,
      p_error: table.ok[at] ? 0 : 1,
      p_guardrail_block: 0,
      p_budget_block: 0,
    };
  });
}

/** A variant's rows; its pass probability is the served-share-weighted pass of each model. */
function variantRows(table: OutcomeTable, results: ReadonlyMap<string, VariantCaseResult>, rows: readonly number[]): StatRow[] {
  const M = table.models.length;
  const modelIdx = new Map(table.models.map((m, i) => [m, i]));
  const out: StatRow[] = [];
  for (const r of rows) {
    const res = results.get(table.caseIds[r] as string);
    if (!res) continue;
    let pass = 0;
    for (const [model, share] of Object.entries(res.served)) {
      const m = modelIdx.get(model);
      if (m !== undefined) pass += share * (table.pass[r * M + m] as number);
    }
    out.push({
      quality: res.quality,
      pass,
      cost_usd: res.cost_usd,
      latency_ms: res.latency_ms,
      p_error: res.p_error,
      p_guardrail_block: res.p_guardrail_block,
      p_budget_block: res.p_budget_block,
    });
  }
  return out;
}

/** Per variant / model / segment statistics, paired comparisons and the frontier of a run. */
export function analyzeRun(input: AnalysisInput, options: AnalysisOptions): RunAnalysis {
  const { rng } = options;
  const minSamples = options.minSamples ?? MIN_SAMPLES;
  const statOpts = { resamples: options.resamples, minSamples };
  const caseIds = input.cases.map((c) => c.case_id);
  const table = buildOutcomeTable(caseIds, input.outcomes);
  const all = caseIds.map((_, i) => i);
  const byVariant = input.variants.map((v) => new Map(v.results.map((r) => [r.case_id, r])));
  const warnings: string[] = [];

  const describeGroup = (rows: readonly number[], label: string) => ({
    variants: input.variants.map((v, i) =>
      groupStats(v.name, variantRows(table, byVariant[i] as Map<string, VariantCaseResult>, rows), {
        ...statOpts,
        rng: rng.fork(`v:${label}:${v.name}`),
      }),
    ),
    models: table.models.map((m, i) => groupStats(m, modelRows(table, i, rows), { ...statOpts, rng: rng.fork(`m:${label}:${m}`) })),
  });
  const overall = describeGroup(all, '*');

  const segments: SegmentBreakdown[] = [];
  if (options.segmentBy) {
    const groups = new Map<string, number[]>();
    input.cases.forEach((c, i) => {
      const key = segmentValue(c, options.segmentBy as string);
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    for (const [value, rows] of [...groups.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))) {
      segments.push({ value, n: rows.length, ...describeGroup(rows, `${options.segmentBy}=${value}`) });
      if (rows.length < minSamples)
        warnings.push(
          `segment ${options.segmentBy}=${value} has only ${rows.length} cases (< ${minSamples}): its figures are indicative only`,
        );
    }
  }

  const comparisons = compareToBaseline(input, byVariant, options, minSamples);

  const points = modelPoints(table, all);
  const variantPoints = overall.variants.map((v) => ({ label: v.key, cost: v.cost_per_request, quality: v.quality }));
  const hull = nonDecreasingHull(points);
  const frontier = {
    models: points,
    variants: variantPoints,
    hull,
    oracle: oraclePoint(table, all),
    best_single: bestSingle(points) ?? null,
    cheapest_single: cheapestSingle(points) ?? null,
    random: randomRouting(points),
    aiq: aiq(points),
  };
  if (input.cases.length < minSamples)
    warnings.push(`the run has only ${input.cases.length} cases (< ${minSamples}): differences are not conclusive`);

  return {
    n: input.cases.length,
    variants: overall.variants,
    models: overall.models,
    segmentBy: options.segmentBy ?? null,
    segments,
    comparisons,
    frontier,
    two_model: twoModelMetrics(table, points),
    warnings,
  };
}

function compareToBaseline(
  input: AnalysisInput,
  byVariant: ReadonlyArray<ReadonlyMap<string, VariantCaseResult>>,
  options: AnalysisOptions,
  minSamples: number,
): Comparison[] {
  const baseIdx = input.variants.findIndex((v) => v.isBaseline);
  if (baseIdx < 0) return [];
  const base = input.variants[baseIdx] as AnalysisVariant;
  const baseMap = byVariant[baseIdx] as ReadonlyMap<string, VariantCaseResult>;
  const raw = input.variants
    .map((v, i) => ({ v, map: byVariant[i] as ReadonlyMap<string, VariantCaseResult>, i }))
    .filter(({ i }) => i !== baseIdx)
    .map(({ v, map }) => {
      // Only cases both sides evaluated: a failed chunk must not bias the pairing.
      const ids = input.cases.map((c) => c.case_id).filter((id) => map.has(id) && baseMap.has(id));
      const a = ids.map((id) => (map.get(id) as VariantCaseResult).quality);
      const b = ids.map((id) => (baseMap.get(id) as VariantCaseResult).quality);
      const costDiff = ids.length
        ? ids.reduce((s, id) => s + (map.get(id) as VariantCaseResult).cost_usd - (baseMap.get(id) as VariantCaseResult).cost_usd, 0) /
          ids.length
        : 0;
      const quality = pairedBootstrap(a, b, { rng: options.rng.fork(`paired:${v.name}`), resamples: options.resamples });
      return { v, quality, costDiff, n: ids.length };
    });
  const adjusted = holmAdjust(raw.map((r) => r.quality.p_value));
  const alpha = options.alpha ?? 0.05;
  return raw.map((r, i) => ({
    variant: r.v.name,
    baseline: base.name,
    quality: r.quality,
    cost_diff: r.costDiff,
    p_holm: adjusted[i] as number,
    significant: (adjusted[i] as number) < alpha,
    warning: r.n < minSamples ? `only ${r.n} paired cases (< ${minSamples})` : null,
  }));
}

/** RouteLLM's APGR / CPT when the run has exactly two models: weak = cheaper (else lower quality). */
function twoModelMetrics(table: OutcomeTable, points: readonly QcPoint[]): TwoModelMetrics | null {
  if (points.length !== 2) return null;
  const [p0, p1] = points as [QcPoint, QcPoint];
  const firstIsWeak = p0.cost !== p1.cost ? p0.cost < p1.cost : p0.quality <= p1.quality;
  const weak = firstIsWeak ? p0 : p1;
  const strong = firstIsWeak ? p1 : p0;
  const wi = table.models.indexOf(weak.label);
  const si = table.models.indexOf(strong.label);
  const n = table.caseIds.length;
  const wq = Float64Array.from({ length: n }, (_, r) => table.quality[r * 2 + wi] as number);
  const sq = Float64Array.from({ length: n }, (_, r) => table.quality[r * 2 + si] as number);
  const metrics = (curve: ReturnType<typeof oracleCurve>) => ({
    apgr: apgr(curve, weak.quality, strong.quality),
    cpt50: cpt(curve, weak.quality, strong.quality, 0.5),
    cpt80: cpt(curve, weak.quality, strong.quality, 0.8),
  });
  return {
    weak: weak.label,
    strong: strong.label,
    weak_quality: weak.quality,
    strong_quality: strong.quality,
    oracle: metrics(oracleCurve(wq, sq)),
    random: metrics(randomCurve(weak.quality, strong.quality)),
  };
}
