import { describe, expect, it } from 'vitest';
import { normalUpperTail } from '../../../src/stats/normal.js';

describe('normalUpperTail', () => {
  it('matches the standard normal table', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
    expect(normalUpperTail(1.959963984540054)).toBeCloseTo(0.025, 7);
    expect(normalUpperTail(-1.6448536269514722)).toBeCloseTo(0.95, 7);
    expect(normalUpperTail(3.090232306167813)).toBeCloseTo(0.001, 7);
    expect(normalUpperTail(40)).toBeLessThan(1e-300 + 1e-12);
  });
});
