/**
 * Binomial(n, p) draws for resampling 0/1 scores: the mean of n draws with replacement from k ones
 * and n − k zeros is exactly Binomial(n, k/n) / n, so one draw replaces n index draws.
 *
 * Small expected counts use the geometric-gap method (exact, O(n·min(p, 1−p))). Large ones use the
 * normal approximation with continuity correction: past 1,000 expected successes its tail error is
 * far below the bootstrap's own Monte Carlo error at any resample count we use.
 */
export const EXACT_LIMIT = 1000;

export function binomialSampler(uniform: () => number): (n: number, p: number) => number {
  let spare: number | null = null;
  const gaussian = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return (n, p) => {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    const flip = p > 0.5;
    const pp = flip ? 1 - p : p;
    let k: number;
    if (n * pp <= EXACT_LIMIT) {
      // Count successes by jumping over failure runs: each gap is Geometric(pp).
      const logQ = Math.log(1 - pp);
      k = 0;
      let pos = 0;
      for (;;) {
        let u = uniform();
        while (u === 0) u = uniform();
        pos += Math.floor(Math.log(u) / logQ) + 1;
        if (pos > n) break;
        k++;
      }
    } else {
      const mean = n * pp;
      const sd = Math.sqrt(mean * (1 - pp));
      k = Math.round(mean + sd * gaussian());
      k = Math.min(n, Math.max(0, k));
    }
    return flip ? n - k : k;
  };
}
