import { createHash } from 'node:crypto';

/**
 * Whether a nightly re-asks this cached pair: a hash of (run seed, case, model) below the refresh rate.
 * Seeded, so a re-run of the same run re-asks the same pairs; a new night (new seed) picks others,
 * so over nights every pair is re-asked while a night's spend stays about rate × cached pairs.
 */
export function pickedForRefresh(seed: string, caseId: string, model: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  const h = createHash('sha256').update(`${seed}\u0000${caseId}\u0000${model}`).digest();
  return h.readUInt32BE(0) / 2 ** 32 < rate;
}
