import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng } from '../../../src/domain/rng.js';
import { allocate, choosePositions, sizeForRate } from '../../../src/traffic/sample.js';

describe('allocate', () => {
  it('splits in proportion by largest remainder', () => {
    const a = allocate(
      [
        { stratum: 'chat', population: 600 },
        { stratum: 'code', population: 300 },
        { stratum: 'sql', population: 100 },
      ],
      10,
    );
    expect(Object.fromEntries(a)).toEqual({ chat: 6, code: 3, sql: 1 });
    const b = allocate(
      [
        { stratum: 'a', population: 5 },
        { stratum: 'b', population: 5 },
        { stratum: 'c', population: 5 },
      ],
      10,
    );
    expect([...b.values()].reduce((x, y) => x + y, 0)).toBe(10);
  });

  it('raises small strata to the minimum, taking from the largest, keeping the total', () => {
    const a = allocate(
      [
        { stratum: 'big', population: 990 },
        { stratum: 'rare', population: 10 },
      ],
      20,
      5,
    );
    expect(Object.fromEntries(a)).toEqual({ big: 15, rare: 5 });
  });

  it('never draws more than a stratum holds, and sums to the request when it can', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 8 }), fc.nat(200), fc.nat(10), (sizes, total, min) => {
        const strata = sizes.map((population, i) => ({ stratum: `s${i}`, population }));
        const a = allocate(strata, total, min);
        const N = sizes.reduce((x, y) => x + y, 0);
        let sum = 0;
        for (const s of strata) {
          const k = a.get(s.stratum) ?? 0;
          expect(k).toBeLessThanOrEqual(s.population);
          if (s.population > 0) expect(k).toBeGreaterThanOrEqual(Math.min(min, s.population));
          sum += k;
        }
        const floors = strata.reduce((x, s) => x + Math.min(min, s.population), 0);
        expect(sum).toBe(Math.max(Math.min(total, N), floors));
      }),
    );
  });
});

describe('choosePositions', () => {
  it('gives k distinct sorted positions, the same for the same seed', () => {
    const a = choosePositions(1000, 50, createRng('s'));
    expect(new Set(a).size).toBe(50);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(a.every((p) => p >= 0 && p < 1000)).toBe(true);
    expect(choosePositions(1000, 50, createRng('s'))).toEqual(a);
    expect(choosePositions(1000, 50, createRng('t'))).not.toEqual(a);
    expect(choosePositions(5, 9, createRng('s'))).toEqual([0, 1, 2, 3, 4]);
  });

  it('is close to uniform', () => {
    const hits = new Array<number>(10).fill(0);
    const rng = createRng('u');
    for (let i = 0; i < 2000; i++) for (const p of choosePositions(10, 3, rng)) hits[p] = (hits[p] ?? 0) + 1;
    for (const h of hits) expect(h).toBeGreaterThan(500);
  });
});

describe('sizeForRate', () => {
  it('rounds and keeps at least one', () => {
    expect(sizeForRate(0.1, 1234)).toBe(123);
    expect(sizeForRate(0.0001, 50)).toBe(1);
    expect(sizeForRate(0.5, 0)).toBe(0);
  });
});
