import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/domain/outcome.js';
import { createRng } from '../../../src/domain/rng.js';
import type { RunCase, VariantCaseResult } from '../../../src/domain/run.js';
import { compareRuns, RunComparison } from '../../../src/stats/compare-runs.js';

const rc = (id: string, intent: string): RunCase => ({
  case_id: id,
  split: 'train',
  timestamp: null,
  metadata: { intent },
  params: {},
  input_tokens: 10,
});
const out = (case_id: string, model: string, score: number | null, output = `ans ${case_id}`): Outcome => ({
  case_id,
  model,
  answered_by: model,
  status: score === null ? 503 : 200,
  output: score === null ? null : output,
  score,
  pass: score !== null && score > 0.5,
  reason: null,
  cost_usd: 0.001,
  latency_ms: 100,
  input_tokens: 10,
  output_tokens: 5,
  source: 'call',
});
const vres = (case_id: string, quality: number): VariantCaseResult => ({
  case_id,
  quality,
  cost_usd: 0.001,
  latency_ms: 100,
  p_error: 0,
  p_guardrail_block: 0,
  p_budget_block: 0,
  served: {},
  path: [],
  flagged: false,
});

describe('compareRuns', () => {
  const ids = Array.from({ length: 40 }, (_, i) => `c${i}`);
  const cases = ids.map((id, i) => rc(id, i % 2 === 0 ? 'billing' : 'tech'));
  const a = {
    cases,
    outcomes: ids.flatMap((id) => [out(id, 'good', 0.9), out(id, 'steady', 0.7)]),
    variants: [{ name: 'base', results: ids.map((id) => vres(id, 0.8)) }],
  };
  // In B, model "good" got worse on billing only; "steady" did not change; one extra case only in B.
  const b = {
    cases: [...cases, rc('only-b', 'tech')],
    outcomes: [
      ...ids.flatMap((id, i) => [out(id, 'good', i % 2 === 0 ? 0.4 : 0.9, i % 2 === 0 ? 'worse' : `ans ${id}`), out(id, 'steady', 0.7)]),
      out('only-b', 'good', 0),
    ],
    variants: [{ name: 'base', results: ids.map((id, i) => vres(id, i % 2 === 0 ? 0.55 : 0.8)) }],
  };

  it('pairs the shared cases, finds the segment that moved, Holm-adjusts, and lists what changed', () => {
    const r = compareRuns(a, b, { rng: createRng(1), segmentBy: 'intent', resamples: 500 });
    expect(r.shared_cases).toBe(40);
    for (const c of r.comparisons) RunComparison.parse(c);
    const get = (model: string | null, variant: string | null, segment: string) =>
      r.comparisons.find((c) => c.model === model && c.variant === variant && c.segment === segment);
    expect(get('good', null, 'intent=billing')).toMatchObject({ n: 20, diff: expect.closeTo(-0.5, 10) });
    expect(get('good', null, 'intent=billing')?.p_holm).toBeLessThan(0.05);
    expect(get('good', null, 'intent=billing')?.ci[1]).toBeLessThan(0);
    expect(get('good', null, 'intent=tech')).toMatchObject({ diff: 0, p_holm: 1 });
    expect(get('steady', null, 'all')).toMatchObject({ diff: 0, p_holm: 1 });
    expect(get(null, 'base', 'intent=billing')?.diff).toBeCloseTo(-0.25, 10);
    // Holm never lowers a p-value.
    for (const c of r.comparisons) expect(c.p_holm).toBeGreaterThanOrEqual(c.p);
    expect(r.changed).toHaveLength(10);
    expect(r.changed[0]).toMatchObject({ model: 'good', a_score: 0.9, b_score: 0.4, b_output: 'worse' });
  });

  it('is reproducible from its seed', () => {
    const x = compareRuns(a, b, { rng: createRng('s'), resamples: 300 });
    const y = compareRuns(a, b, { rng: createRng('s'), resamples: 300 });
    expect(x).toEqual(y);
  });
});
