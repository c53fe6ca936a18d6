import { hashSeed } from '../domain/rng.js';
import type { Split } from '../domain/run.js';

/**
 * Train / holdout by a seeded hash of the case id, not by position: a case keeps its split when the
 * sample grows, shrinks or is reordered, and the same seed reproduces the same split on any machine.
 */
export function splitOf(caseId: string, seed: string, holdout: number): Split {
  if (holdout <= 0) return 'train';
  // FNV-1a over "seed\0id" gives 32 well-mixed bits; one more avalanche round evens out short ids.
  let h = hashSeed(`${seed}\u0000${caseId}`);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 4294967296 < holdout ? 'holdout' : 'train';
}
