import { describe, expect, it } from 'vitest';
import { planPairs, unionModels } from '../../../src/replay/plan-pairs.js';

describe('planning pairs', () => {
  it('eight variants over the same models plan exactly the pairs one variant plans', () => {
    const one = planPairs(['a', 'b', 'c'], unionModels([['m1', 'm2', 'm3']]));
    const eight = planPairs(['a', 'b', 'c'], unionModels(Array.from({ length: 8 }, (_, i) => (i % 2 ? ['m3', 'm1'] : ['m1', 'm2', 'm3']))));
    expect(eight).toEqual(one);
    expect(one).toHaveLength(9);
  });

  it('a variant reaching a new model adds only that model’s pairs; duplicate case ids count once', () => {
    expect(planPairs(['a', 'b', 'a'], unionModels([['m1'], ['m1', 'm4']]))).toEqual([
      { case_id: 'a', model: 'm1' },
      { case_id: 'a', model: 'm4' },
      { case_id: 'b', model: 'm1' },
      { case_id: 'b', model: 'm4' },
    ]);
  });
});
