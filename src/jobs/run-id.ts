import { randomBytes } from 'node:crypto';

/** Short ids a person can type: `r` + UTC date + 6 random hex digits, e.g. r261121-3fa2c1. */
export function newRunId(nowMs: number): string {
  const d = new Date(nowMs).toISOString();
  return `r${d.slice(2, 4)}${d.slice(5, 7)}${d.slice(8, 10)}-${randomBytes(3).toString('hex')}`;
}
