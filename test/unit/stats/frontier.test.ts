import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/domain/outcome.js';
import { aiq } from '../../../src/stats/aiq.js';
import { apgr, cpt, oracleCurve, randomCurve } from '../../../src/stats/apgr.js';
import { bestSingle, cheapestSingle, modelPoints, nonDecreasingHull, oraclePoint, randomRouting } from '../../../src/stats/frontier.js';
import { buildOutcomeTable } from '../../../src/stats/outcome-table.js';

const o = (case_id: string, model: string, score: number | null, cost: number, status = 200): Outcome => ({
  case_id,
  model,
  answered_by: model,
  status,
  output: null,
  score,
  pass: null,
  reason: null,
  cost_usd: cost,
  latency_ms: 100,
  input_tokens: null,
  output_tokens: null,
  source: 'recorded',
});

describe('frontier and baselines', () => {
  const outcomes = [
    o('a', 'small', 1, 0.001),
    o('a', 'big', 1, 0.01),
    o('b', 'small', 0, 0.001),
    o('b', 'big', 1, 0.01),
    o('c', 'small', 0, 0.001),
    o('c', 'big', 0, 0.01),
    o('d', 'small', 1, 0.001),
    o('d', 'big', 0.5, 0.01, 500), // a failed call counts as 0
  ];
  const table = buildOutcomeTable(['a', 'b', 'c', 'd'], outcomes);
  const rows = [0, 1, 2, 3];
  const points = modelPoints(table, rows);

  it('scores failed calls as zero quality', () => {
    expect(points.find((p) => p.label === 'big')?.quality).toBe(0.5);
    expect(points.find((p) => p.label === 'small')?.quality).toBe(0.5);
  });
  it('oracle picks the best model per case and the cheapest on ties', () => {
    const oracle = oraclePoint(table, rows);
    expect(oracle.quality).toBe(0.75);
    // a: tie → small; b: big; c: tie at 0 → small; d: small.
    expect(oracle.cost).toBeCloseTo((0.001 * 3 + 0.01) / 4);
  });
  it('best single, cheapest single and random routing', () => {
    expect(bestSingle(points)?.label).toBe('small'); // tied quality, cheaper
    expect(cheapestSingle(points)?.label).toBe('small');
    expect(randomRouting(points).cost).toBeCloseTo(0.0055);
  });
  it('the non-decreasing hull drops dominated points', () => {
    const hull = nonDecreasingHull([
      { label: 'a', cost: 1, quality: 0.5 },
      { label: 'b', cost: 2, quality: 0.55 }, // under the chord a→c
      { label: 'c', cost: 3, quality: 0.8 },
      { label: 'd', cost: 4, quality: 0.7 }, // dearer and worse
    ]);
    expect(hull.map((p) => p.label)).toEqual(['a', 'c']);
  });
  it('AIQ is the mean hull quality over the cost range', () => {
    // Hull a(1, .5) → c(3, .8), then flat to d's cost 4: (0.65·2 + 0.8·1) / 3.
    expect(
      aiq([
        { label: 'a', cost: 1, quality: 0.5 },
        { label: 'c', cost: 3, quality: 0.8 },
        { label: 'd', cost: 4, quality: 0.7 },
      ]),
    ).toBeCloseTo((0.65 * 2 + 0.8) / 3);
  });
});

describe('RouteLLM metrics', () => {
  it('random routing has APGR 0.5 and CPT(50%) = 50%', () => {
    const line = randomCurve(0.6, 0.8);
    expect(apgr(line, 0.6, 0.8)).toBeCloseTo(0.5);
    expect(cpt(line, 0.6, 0.8, 0.5)).toBeCloseTo(50);
    expect(cpt(line, 0.6, 0.8, 0.8)).toBeCloseTo(80);
  });
  it('the oracle reaches the strong model with few strong calls', () => {
    // 10 cases: weak right on 6, strong right on 8; strong adds 3 the weak misses, loses 1.
    const weak = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0];
    const strong = [1, 1, 1, 1, 1, 0, 1, 1, 1, 0];
    const curve = oracleCurve(weak, strong, 10);
    expect(curve[3]?.quality).toBeCloseTo(0.9); // 30% strong calls: 6 + 3
    expect(cpt(curve, 0.6, 0.8, 0.5)).toBeCloseTo(10);
    expect(apgr(curve, 0.6, 0.8)).toBeGreaterThan(1);
  });
  it('CPT clamps to the end of the curve when the target is never reached, as np.interp does', () => {
    expect(
      cpt(
        [
          { strongShare: 0, quality: 0.5 },
          { strongShare: 0.6, quality: 0.55 },
        ],
        0.5,
        0.9,
        0.8,
      ),
    ).toBeCloseTo(60);
  });
});
