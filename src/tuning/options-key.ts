import { hashSeed } from '../domain/rng.js';
import { ProposalOptions } from '../domain/proposal.js';

/**
 * A stable key for the options: keys sorted, absent options left out, numbers as JSON writes them.
 * `propose` with the same run and options finds the same stored proposal through it.
 */
export function optionsKey(options: ProposalOptions): string {
  const parsed = ProposalOptions.parse(options) as Record<string, unknown>;
  const entries = Object.keys(parsed)
    .filter((k) => parsed[k] !== undefined)
    .sort()
    .map((k) => [k, parsed[k]]);
  return JSON.stringify(Object.fromEntries(entries));
}

/** Deterministic proposal id from the run and the options key (two 32-bit hashes, 16 hex digits). */
export function proposalId(runId: string, key: string): string {
  const text = `${runId}\u0000${key}`;
  const a = hashSeed(text).toString(16).padStart(8, '0');
  const b = hashSeed(`${text}\u0001`).toString(16).padStart(8, '0');
  return `p-${a}${b}`;
}
