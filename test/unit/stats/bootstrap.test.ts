import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/domain/rng.js';
import { binomialSampler } from '../../../src/stats/binomial.js';
import { bootstrapMeanCi } from '../../../src/stats/bootstrap.js';
import { fastRngState, fastUniform } from '../../../src/stats/fast-rng.js';
import { pairedBootstrap } from '../../../src/stats/paired.js';

const values = (n: number, seed: string) => {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.next());
};

describe('bootstrap mean CI', () => {
  it('is reproducible from the seed and changes with it', () => {
    const x = values(500, 'x');
    const a = bootstrapMeanCi(x, { rng: createRng(1) });
    expect(bootstrapMeanCi(x, { rng: createRng(1) })).toEqual(a);
    expect(bootstrapMeanCi(x, { rng: createRng(2) }).ci).not.toEqual(a.ci);
  });

  it('has the width the normal theory predicts for continuous and for 0/1 scores', () => {
    const x = values(2000, 'y'); // uniform: sd ≈ 0.2887
    const c = bootstrapMeanCi(x, { rng: createRng(3), resamples: 4000 });
    expect(c.ci[1] - c.ci[0]).toBeCloseTo(2 * 1.96 * (0.2887 / Math.sqrt(2000)), 2);
    expect(c.ci[0]).toBeLessThan(c.mean);
    expect(c.ci[1]).toBeGreaterThan(c.mean);

    // 0/1 scores take the binomial-count path; width ≈ 2·1.96·sqrt(p(1−p)/n).
    const bin = Float64Array.from({ length: 1000 }, (_, i) => (i % 10 < 7 ? 1 : 0));
    const b = bootstrapMeanCi(bin, { rng: createRng(4), resamples: 4000 });
    expect(b.mean).toBeCloseTo(0.7);
    expect(b.ci[1] - b.ci[0]).toBeCloseTo(2 * 1.96 * Math.sqrt(0.21 / 1000), 2);
  });

  it('resamples few-level scores as counts with the same spread as index resampling', () => {
    // A 50/50 mix of 0/1 models gives per-case expected quality in {0, 0.5, 1}.
    const rng = createRng('levels');
    const x = Float64Array.from({ length: 3000 }, () => [0, 0.5, 1][Math.floor(rng.next() * 3)] as number);
    const m = x.reduce((s, v) => s + v, 0) / x.length;
    const sd = Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length);
    const c = bootstrapMeanCi(x, { rng: createRng(5), resamples: 4000 });
    expect(c.ci[1] - c.ci[0]).toBeCloseTo(2 * 1.96 * (sd / Math.sqrt(3000)), 2);
    expect((c.ci[0] + c.ci[1]) / 2).toBeCloseTo(m, 2);
  });

  it('returns NaN for no data instead of throwing', () => {
    expect(Number.isNaN(bootstrapMeanCi([], { rng: createRng(1) }).mean)).toBe(true);
  });
});

describe('binomial draws', () => {
  for (const [n, p] of [
    [50, 0.3],
    [100_000, 0.003],
    [100_000, 0.7],
  ] as const) {
    it(`have the right mean and variance for n=${n}, p=${p}`, () => {
      const draw = binomialSampler(fastUniform(fastRngState(createRng(`b${n}${p}`))));
      const k = Array.from({ length: 4000 }, () => draw(n, p));
      const mean = k.reduce((s, v) => s + v, 0) / k.length;
      const variance = k.reduce((s, v) => s + (v - mean) ** 2, 0) / (k.length - 1);
      expect(Math.abs(mean - n * p)).toBeLessThan(4 * Math.sqrt((n * p * (1 - p)) / k.length));
      expect(variance / (n * p * (1 - p))).toBeGreaterThan(0.9);
      expect(variance / (n * p * (1 - p))).toBeLessThan(1.1);
      expect(Math.min(...k)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...k)).toBeLessThanOrEqual(n);
    });
  }
});

describe('paired bootstrap', () => {
  it('finds a real improvement and gives p = 1 for identical policies', () => {
    const rng = createRng('pairs');
    const base = Array.from({ length: 400 }, () => (rng.next() < 0.6 ? 1 : 0));
    const better = base.map((v) => (v === 0 && rng.next() < 0.25 ? 1 : v));
    const d = pairedBootstrap(better, base, { rng: createRng(9) });
    expect(d.mean).toBeGreaterThan(0.05);
    expect(d.ci[0]).toBeGreaterThan(0);
    expect(d.p_value).toBeLessThan(0.01);
    expect(pairedBootstrap(base, base, { rng: createRng(9) }).p_value).toBe(1);
  });
  it('refuses unpaired inputs', () => {
    expect(() => pairedBootstrap([1], [1, 0], { rng: createRng(1) })).toThrow(/equal lengths/);
  });
});
