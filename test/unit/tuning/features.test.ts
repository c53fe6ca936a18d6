import { describe, expect, it } from 'vitest';
import type { RunCase } from '../../../src/domain/run.js';
import { buildFeatures } from '../../../src/tuning/features.js';
import { groupFeatures } from '../../../src/tuning/group-features.js';
import type { Grouping } from '../../../src/tuning/grouping.js';

describe('candidate tests per segment', () => {
  // Two tasks of very different prompt lengths: the long one is most of the run.
  const cases: RunCase[] = Array.from({ length: 400 }, (_, i) => ({
    case_id: `g${i}`,
    split: 'train',
    timestamp: null,
    metadata: { task: i < 50 ? 'short' : 'long' },
    params: {},
    input_tokens: i < 50 ? 10 + (i % 10) : 1000 + i,
    input: null,
  }));
  const rows = cases.map((_, i) => i);
  const bySegment: Grouping = {
    kind: 'segments',
    keyOf: (r) => String(cases[r]?.metadata.task),
    rules: [],
  };
  const tokenTests = (set: ReturnType<typeof groupFeatures>) =>
    set.features.filter((f) => f.field === 'input_tokens').map((f) => (f.test as { $lte: number }).$lte);

  it('puts thresholds inside a small segment at its own quantiles, where run-wide ones fall outside it', () => {
    const options = { minSupport: 5 };
    expect(tokenTests(buildFeatures(cases, rows, options)).filter((t) => t < 20)).toEqual([]);
    const set = groupFeatures(cases, rows, bySegment, options);
    const inShort = tokenTests(set).filter((t) => t < 20);
    expect(inShort.length).toBeGreaterThan(3);
    // A segment's tests hold only on its own cases.
    const f = set.features.findIndex((x) => x.field === 'input_tokens' && (x.test as { $lte: number }).$lte < 20);
    expect(cases.filter((_, r) => set.holds[r]?.includes(f)).every((c) => c.metadata.task === 'short')).toBe(true);
  });
});
