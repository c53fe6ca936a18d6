import type { Rng } from '../domain/rng.js';

/** How many records of a stratum can be drawn (replayable, in the window). */
export interface StratumSize {
  stratum: string;
  population: number;
}

/**
 * Split `total` draws across strata in proportion to their size by largest remainder (Hamilton), then
 * raise every stratum to `minPerStratum` (or all it has), taking the difference from the strata with
 * the most draws above their minimum. When the minimums alone exceed `total`, the total grows: the
 * minimum is a promise to the person reading per-segment results. Deterministic: ties go by name.
 */
export function allocate(strata: readonly StratumSize[], total: number, minPerStratum = 0): Map<string, number> {
  const sorted = [...strata].filter((s) => s.population > 0).sort((a, b) => (a.stratum < b.stratum ? -1 : a.stratum > b.stratum ? 1 : 0));
  const N = sorted.reduce((s, x) => s + x.population, 0);
  const out = new Map<string, number>();
  if (N === 0) return out;
  const want = Math.min(Math.max(0, Math.floor(total)), N);
  const quotas = sorted.map((s) => (want * s.population) / N);
  const alloc = quotas.map(Math.floor);
  let left = want - alloc.reduce((a, b) => a + b, 0);
  const byRemainder = sorted
    .map((_, i) => i)
    .sort(
      (i, j) =>
        (quotas[j] as number) - Math.floor(quotas[j] as number) - ((quotas[i] as number) - Math.floor(quotas[i] as number)) || i - j,
    );
  for (const i of byRemainder) {
    if (left <= 0) break;
    alloc[i] = (alloc[i] as number) + 1;
    left--;
  }
  const floorOf = (i: number) => Math.min(minPerStratum, (sorted[i] as StratumSize).population);
  let excess = 0;
  for (let i = 0; i < sorted.length; i++) {
    const f = floorOf(i);
    if ((alloc[i] as number) < f) {
      excess += f - (alloc[i] as number);
      alloc[i] = f;
    }
  }
  while (excess > 0) {
    let donor = -1;
    for (let i = 0; i < sorted.length; i++) {
      const spare = (alloc[i] as number) - floorOf(i);
      if (spare > 0 && (donor < 0 || spare > (alloc[donor] as number) - floorOf(donor))) donor = i;
    }
    if (donor < 0) break;
    alloc[donor] = (alloc[donor] as number) - 1;
    excess--;
  }
  sorted.forEach((s, i) => out.set(s.stratum, alloc[i] as number));
  return out;
}

/**
 * `k` distinct positions out of `n`, uniformly, in increasing order (Floyd's algorithm): memory is
 * O(k), so a stratum of millions is drawn from while its ids stream past once.
 */
export function choosePositions(n: number, k: number, rng: Rng): number[] {
  const take = Math.max(0, Math.min(k, n));
  const chosen = new Set<number>();
  for (let j = n - take; j < n; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** The sample size a `--rate` asks for, from the whole window's traffic (what the rate stands for). */
export function sizeForRate(rate: number, population: number): number {
  if (population === 0 || rate <= 0) return 0;
  return Math.max(1, Math.round(rate * population));
}
