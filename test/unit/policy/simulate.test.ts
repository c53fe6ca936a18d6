import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/domain/rng.js';
import { simulatePolicy } from '../../../src/policy/index.js';
import { FLASH, LITE, seed } from './fixtures.js';

describe('simulatePolicy', () => {
  it('anygem over 20,000 requests serves 75% ± 1.5% from gemini-2.0-flash', () => {
    for (const s of [1, 2, 3]) {
      const out = simulatePolicy(seed('anygem'), { requests: 20_000, start_ms: 0 }, createRng(s));
      expect(Math.abs((out.served[FLASH] ?? 0) / 20_000 - 0.75)).toBeLessThanOrEqual(0.015);
      expect(out.failed).toBe(0);
    }
  });

  it('firstgem with the first model failing 503 always serves from the second', () => {
    const out = simulatePolicy(
      seed('firstgem'),
      { requests: 5_000, start_ms: 0, failures: [{ model: FLASH, status: 503, rate: 1 }] },
      createRng(7),
    );
    expect(out.served).toEqual({ [LITE]: 5_000 });
    expect(out.attempts).toEqual({ [FLASH]: 10_000, [LITE]: 5_000 });
  });

  it('the same seed gives the same result', () => {
    const go = () =>
      simulatePolicy(
        seed('anygem'),
        { requests: 2_000, start_ms: 0, failures: [{ model: FLASH, status: 503, rate: 0.3 }] },
        createRng('s'),
      );
    expect(go()).toEqual(go());
  });
});
