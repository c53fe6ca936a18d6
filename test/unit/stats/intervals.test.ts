import { describe, expect, it } from 'vitest';
import { holmAdjust } from '../../../src/stats/holm.js';
import { latencyPercentiles, quantile } from '../../../src/stats/quantile.js';
import { wilsonInterval } from '../../../src/stats/wilson.js';

describe('Wilson interval', () => {
  it('matches the textbook value for 8 passes out of 10', () => {
    const [lo, hi] = wilsonInterval(8, 10);
    expect(lo).toBeCloseTo(0.4902, 3);
    expect(hi).toBeCloseTo(0.9433, 3);
  });
  it('stays inside [0, 1] at 0 and n passes and is honest about small n', () => {
    expect(wilsonInterval(0, 5)[0]).toBe(0);
    expect(wilsonInterval(0, 5)[1]).toBeGreaterThan(0.4);
    expect(wilsonInterval(5, 5)[1]).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });
});

describe('Holm correction', () => {
  it('adjusts step-down and keeps the input order', () => {
    const adj = holmAdjust([0.04, 0.01, 0.03]);
    expect(adj[1]).toBeCloseTo(0.03);
    expect(adj[2]).toBeCloseTo(0.06);
    expect(adj[0]).toBeCloseTo(0.06); // monotone: never below an earlier step
  });
  it('never exceeds 1', () => {
    expect(holmAdjust([0.5, 0.6])).toEqual([1, 1]);
  });
});

describe('percentiles', () => {
  it('interpolate like numpy/R (type 7)', () => {
    const xs = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(quantile(xs, 0.5)).toBe(55);
    expect(quantile(xs, 0.95)).toBeCloseTo(95.5);
    const p = latencyPercentiles(xs);
    expect(p.p99).toBeCloseTo(99.1);
    expect(Number.isNaN(quantile([], 0.5))).toBe(true);
  });
});
