import { randomBytes } from 'node:crypto';

/**
 * Short ids a person can type: `r` + UTC date + 6 random hex digits, e.g. r261121-3fa2c1. The hex
 * part always holds a letter: six decimal digits after the date's six would make a 12-digit run,
 * which the redactor may take for a card number (Luhn) and hide from `--json` output.
 */
export function newRunId(nowMs: number): string {
  const d = new Date(nowMs).toISOString();
  let hex = randomBytes(3).toString('hex');
  if (/^\d{6}$/.test(hex)) hex = `${'abcdef'[Number(hex[0]) % 6]}${hex.slice(1)}`;
  return `r${d.slice(2, 4)}${d.slice(5, 7)}${d.slice(8, 10)}-${hex}`;
}
