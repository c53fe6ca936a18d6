import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/domain/outcome.js';
import { buildOutcomeTable } from '../../../src/stats/outcome-table.js';
import { fitterOf, type Grouping } from '../../../src/tuning/grouping.js';

/**
 * A small leaf of a rule tree whose few cases happen to favour another model: with shrinkage its
 * mix follows the evidence of the whole group unless the leaf's own evidence is strong.
 */
describe('leaf quality shrunk toward its group', () => {
  const outcome = (case_id: string, model: string, score: number): Outcome => ({
    case_id,
    model,
    answered_by: model,
    status: 200,
    output: null,
    score,
    pass: null,
    reason: null,
    cost_usd: 0.001,
    latency_ms: 100,
    input_tokens: null,
    output_tokens: null,
    source: 'recorded',
  });
  // 100 cases: model a is right on 90 of them, b on 52; in the first 6 (the small leaf) b is right on
  // 5 and a on 3 — a fluke of 6 cases against the group's 100.
  const ids = Array.from({ length: 100 }, (_, i) => `c${i}`);
  const outcomes = ids.flatMap((id, i) => [
    outcome(id, 'a', i < 3 || (i >= 6 && i < 93) ? 1 : 0),
    outcome(id, 'b', i < 5 || (i >= 6 && i % 2) ? 1 : 0),
  ]);
  const table = buildOutcomeTable(ids, outcomes);
  const rows = ids.map((_, i) => i);
  const grouping = (shrink: number): Grouping => ({
    kind: 'tree',
    keyOf: (row) => (row < 6 ? 'default/leaf:0' : 'default'),
    rules: [],
    ...(shrink > 0 ? { shrink, parentOf: (key: string) => key.split('/leaf:')[0] as string } : {}),
  });
  const fit = fitterOf(table, table.models);
  const leafMix = (shrink: number) => fit(grouping(shrink), rows, { kind: 'max_quality', maxCost: 1 }).solution.mixes.get('default/leaf:0');

  it('without shrinkage the leaf follows its own six cases', () => {
    expect(leafMix(0)).toEqual({ b: 1 });
  });

  it('with a prior weight of the leaf size, the group (a right on 90 of 100 cases) decides', () => {
    expect(leafMix(6)).toEqual({ a: 1 });
  });

  it('keeps the leaf’s own choice when its evidence outweighs the prior', () => {
    // b is right on all 6 leaf cases and a on none: even pulled toward the group, b stays ahead.
    const strong = ids.flatMap((id, i) => [outcome(id, 'a', i >= 6 && i < 86 ? 1 : 0), outcome(id, 'b', i < 6 || i % 2 ? 1 : 0)]);
    const t = buildOutcomeTable(ids, strong);
    const mix = fitterOf(t, t.models)(grouping(6), rows, { kind: 'max_quality', maxCost: 1 }).solution.mixes.get('default/leaf:0');
    expect(mix).toEqual({ b: 1 });
  });
});
