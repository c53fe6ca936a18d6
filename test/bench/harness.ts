import { cpus } from 'node:os';

/** One benchmark's result as written to reports/bench/<name>.json. */
export interface BenchResult {
  name: string;
  /** The measured figure (what `unit` says). */
  value: number;
  /** The same figure for the baseline, measured in the same run. */
  baseline: number;
  /** value / baseline, or the figure the target is stated in. */
  ratio: number;
  /** Human-readable target, e.g. "ratio <= 3" */
  target: string;
  unit: string;
  passed: boolean;
  node: string;
  cpus: number;
  /** Extra figures worth keeping (absolute numbers, sizes). */
  details?: Record<string, unknown>;
}

export type BenchInput = Omit<BenchResult, 'node' | 'cpus'>;

export function result(r: BenchInput): BenchResult {
  return { ...r, node: process.version, cpus: cpus().length };
}

/** Run fn repeatedly for at least `ms` and return operations per second (best of `rounds`). */
export function opsPerSecond(fn: (iterations: number) => void, { ms = 300, rounds = 5 } = {}): number {
  let best = 0;
  let iterations = 1000;
  for (let r = 0; r < rounds; r++) {
    let elapsed = 0;
    let done = 0;
    const start = process.hrtime.bigint();
    while (elapsed < ms) {
      fn(iterations);
      done += iterations;
      elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      if (elapsed < ms / 10) iterations *= 2;
    }
    best = Math.max(best, (done / elapsed) * 1000);
  }
  return best;
}

/** Wall time of an async function in milliseconds. */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}
