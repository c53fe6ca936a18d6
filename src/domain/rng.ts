/**
 * Seeded randomness and time, passed into the pure core. Nothing in src/policy, src/scoring,
 * src/replay, src/stats or src/tuning may read the clock or Math.random directly.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** An independent generator derived from this one and a label (stable across runs). */
  fork(label: string): Rng;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** 32-bit FNV-1a: stable string → seed. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * sfc32: small, fast, well-distributed; four 32-bit words of state. The words live in a typed
 * array: kept in closure variables, every update past 2^31 boxed a fresh heap number, which cost
 * more than the whole router decision around it.
 */
export function createRng(seed: number | string): Rng {
  const s = typeof seed === 'string' ? hashSeed(seed) : seed >>> 0;
  const w = Int32Array.of(0x9e3779b9, 0x243f6a88, 0xb7e15162, s ^ 0xdeadbeef);
  const next32 = (): number => {
    const a = w[0] as number;
    const b = w[1] as number;
    const c = w[2] as number;
    const d = ((w[3] as number) + 1) | 0;
    const t = (((a + b) | 0) + d) | 0;
    w[0] = b ^ (b >>> 9);
    w[1] = (c + (c << 3)) | 0;
    w[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    w[3] = d;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) next32();
  const rng: Rng = {
    next: () => next32() / 4294967296,
    int: (n) => Math.floor((next32() / 4294967296) * n),
    fork: (label) => createRng((s ^ hashSeed(label)) >>> 0),
  };
  return rng;
}

export const fixedClock = (ms: number): Clock => ({ now: () => ms });
