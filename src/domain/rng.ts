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

/** sfc32: small, fast, well-distributed; four 32-bit words of state. */
export function createRng(seed: number | string): Rng {
  const s = typeof seed === 'string' ? hashSeed(seed) : seed >>> 0;
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = s ^ 0xdeadbeef;
  const next32 = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
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
