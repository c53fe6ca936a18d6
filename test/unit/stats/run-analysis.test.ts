import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/domain/outcome.js';
import { createRng } from '../../../src/domain/rng.js';
import type { RunCase, VariantCaseResult } from '../../../src/domain/run.js';
import { analyzeRun } from '../../../src/stats/run-analysis.js';

const rng = createRng('analysis');
const cases: RunCase[] = Array.from({ length: 300 }, (_, i) => ({
  case_id: `c${i}`,
  split: 'train',
  timestamp: null,
  metadata: { intent: i < 290 ? 'chat' : 'rare' },
  params: {},
  input_tokens: 0,
}));
const outcomes: Outcome[] = cases.flatMap((c) =>
  [
    { m: 'weak', p: 0.6, cost: 0.001, lat: 200 },
    { m: 'strong', p: 0.85, cost: 0.02, lat: 900 },
  ].map(({ m, p, cost, lat }) => {
    const ok = rng.next() > 0.02;
    return {
      case_id: c.case_id,
      model: m,
      answered_by: m,
      status: ok ? 200 : 503,
      output: null,
      score: ok ? (rng.next() < p ? 1 : 0) : null,
      pass: null,
      reason: null,
      cost_usd: cost,
      latency_ms: lat * (0.5 + rng.next()),
      input_tokens: null,
      output_tokens: null,
      source: 'recorded' as const,
    };
  }),
);
const byCase = (m: string) => new Map(outcomes.filter((o) => o.model === m).map((o) => [o.case_id, o]));
const weak = byCase('weak');
const strong = byCase('strong');
const single = (name: string, map: Map<string, Outcome>): VariantCaseResult[] =>
  cases.map((c) => {
    const o = map.get(c.case_id) as Outcome;
    return {
      case_id: c.case_id,
      quality: o.status === 200 ? (o.score ?? 0) : 0,
      cost_usd: o.cost_usd ?? 0,
      latency_ms: o.latency_ms ?? 0,
      p_error: o.status === 200 ? 0 : 1,
      p_guardrail_block: 0,
      p_budget_block: 0,
      served: o.status === 200 ? { [name]: 1 } : {},
      path: [],
      flagged: false,
    };
  });

describe('run analysis', () => {
  const a = analyzeRun(
    {
      cases,
      outcomes,
      variants: [
        { name: 'all-weak', version: 1, isBaseline: true, results: single('weak', weak) },
        { name: 'all-strong', version: null, isBaseline: false, results: single('strong', strong) },
        { name: 'same-as-base', version: null, isBaseline: false, results: single('weak', weak) },
      ],
    },
    { rng: createRng(7), segmentBy: 'intent' },
  );

  it('describes every variant and model with intervals, latency percentiles and error rates', () => {
    const s = a.variants.find((v) => v.key === 'all-strong');
    expect(s?.n).toBe(300);
    expect(s?.quality_ci[0]).toBeLessThan(s?.quality ?? 0);
    expect(s?.cost_per_1k).toBeCloseTo(20);
    expect(s?.p50_ms).toBeLessThan(s?.p95_ms ?? 0);
    expect(a.models.find((m) => m.key === 'weak')?.error_rate).toBeGreaterThan(0);
  });

  it('compares against the baseline with Holm-corrected p-values', () => {
    const better = a.comparisons.find((c) => c.variant === 'all-strong');
    const same = a.comparisons.find((c) => c.variant === 'same-as-base');
    expect(better?.significant).toBe(true);
    expect(better?.p_holm).toBeGreaterThanOrEqual(better?.quality.p_value ?? 1);
    expect(same?.quality.mean).toBe(0);
    expect(same?.significant).toBe(false);
  });

  it('warns about segments too small to conclude anything', () => {
    expect(a.segments.map((s) => s.value)).toEqual(['chat', 'rare']);
    expect(a.segments[1]?.models[0]?.warning).toMatch(/only 10 cases/);
    expect(a.warnings.join(' ')).toMatch(/intent=rare has only 10 cases/);
  });

  it('computes the frontier baselines and the two-model metrics', () => {
    expect(a.frontier.best_single?.label).toBe('strong');
    expect(a.frontier.cheapest_single?.label).toBe('weak');
    expect(a.frontier.oracle.quality).toBeGreaterThan(a.frontier.best_single?.quality ?? 1);
    expect(a.two_model?.weak).toBe('weak');
    expect(a.two_model?.random.apgr).toBeCloseTo(0.5);
    expect(a.two_model?.oracle.cpt50).toBeLessThan(50);
  });

  it('is reproducible from the seed', () => {
    const again = analyzeRun({ cases, outcomes, variants: [] }, { rng: createRng(7) });
    expect(again.models).toEqual(analyzeRun({ cases, outcomes, variants: [] }, { rng: createRng(7) }).models);
  });
});
