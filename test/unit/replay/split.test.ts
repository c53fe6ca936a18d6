import { describe, expect, it } from 'vitest';
import { splitOf } from '../../../src/replay/split.js';

describe('splitOf', () => {
  const ids = Array.from({ length: 10_000 }, (_, i) => `case-${i}`);

  it('holds out about the requested share, the same cases every time', () => {
    const held = ids.filter((id) => splitOf(id, 'seed', 0.3) === 'holdout');
    expect(held.length / ids.length).toBeGreaterThan(0.28);
    expect(held.length / ids.length).toBeLessThan(0.32);
    expect(ids.filter((id) => splitOf(id, 'seed', 0.3) === 'holdout')).toEqual(held);
  });

  it('a case keeps its split whatever else is in the run; another seed draws another split', () => {
    expect(splitOf('case-42', 'seed', 0.3)).toBe(splitOf('case-42', 'seed', 0.3));
    const a = ids.map((id) => splitOf(id, 'a', 0.5));
    const b = ids.map((id) => splitOf(id, 'b', 0.5));
    expect(a.filter((s, i) => s !== b[i]).length).toBeGreaterThan(4000);
  });

  it('holdout 0 keeps everything for training', () => {
    expect(ids.slice(0, 100).every((id) => splitOf(id, 's', 0) === 'train')).toBe(true);
  });
});
