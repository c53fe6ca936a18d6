import type { Rng } from '../domain/rng.js';

/**
 * A seeded 32-bit generator for the bootstrap's inner loops. The domain `Rng` is an object with
 * closures and a division per call; resampling 10^9 indices needs the state in locals, so the hot
 * loops inline the same xorshift128 step and use this module only to seed it and for cold paths.
 */
export interface FastRngState {
  a: number;
  b: number;
  c: number;
  d: number;
}

/** Four non-zero state words drawn from a domain Rng, so the run's seed decides every resample. */
export function fastRngState(rng: Rng): FastRngState {
  const word = () => Math.floor(rng.next() * 4294967296) >>> 0 || 0x9e3779b9;
  return { a: word(), b: word(), c: word(), d: word() };
}

/** A uniform [0, 1) generator over a copy of the state, for places that are not hot. */
export function fastUniform(state: FastRngState): () => number {
  let { a, b, c, d } = state;
  return () => {
    // xorshift128 (Marsaglia 2003): period 2^128 − 1, shifts and xors only.
    const t = a ^ (a << 11);
    a = b;
    b = c;
    c = d;
    d = (d ^ (d >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return d / 4294967296;
  };
}
