import { describe, expect, it } from 'vitest';
import type { RunDetailData } from '../../../src/dashboard/data/dashboard-data.js';
import { computeScoreboard } from '../../../src/dashboard/view/scoreboard.js';
import { buildOutcomeTable } from '../../../src/stats/outcome-table.js';

/** The dashboard and the report must agree: a failed call scores 0 and does not pass. */
describe('scoreboard quality', () => {
  const outcomes = [
    { caseId: 'a', model: 'm', score: 1, pass: true, costUsd: 0.001, latencyMs: 100, status: 200 },
    { caseId: 'b', model: 'm', score: 1, pass: true, costUsd: 0.001, latencyMs: 100, status: 200 },
    { caseId: 'c', model: 'm', score: null, pass: null, costUsd: 0, latencyMs: 50, status: 503 },
    { caseId: 'd', model: 'm', score: 0, pass: false, costUsd: 0.001, latencyMs: 100, status: 200 },
  ];
  const data = {
    run: { seed: 's' },
    segmentBy: null,
    cases: outcomes.map((o) => ({ caseId: o.caseId, split: 'train', segment: null })),
    outcomes,
    variants: [],
    results: [],
    proposals: [],
  } as unknown as RunDetailData;

  it('counts a failed call as 0 quality and not passed, as the report does', () => {
    const [cell] = computeScoreboard(data, 200);
    expect(cell?.quality.mean).toBeCloseTo(0.5, 10);
    expect(cell?.pass?.rate).toBeCloseTo(0.5, 10);
    expect(cell?.errorRate).toBeCloseTo(0.25, 10);

    const table = buildOutcomeTable(
      ['a', 'b', 'c', 'd'],
      outcomes.map((o) => ({
        case_id: o.caseId,
        model: o.model,
        answered_by: o.model,
        status: o.status,
        output: null,
        score: o.score,
        pass: o.pass,
        reason: null,
        cost_usd: o.costUsd,
        latency_ms: o.latencyMs,
        input_tokens: null,
        output_tokens: null,
        source: 'call' as const,
      })),
    );
    const reportMean = Array.from(table.quality).reduce((a, b) => a + b, 0) / 4;
    expect(cell?.quality.mean).toBeCloseTo(reportMean, 10);
  });
});
