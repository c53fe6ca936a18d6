import { luhnValid } from './checksums.js';

/** The digits of `s` when it is a bare number (an optional `+`, 9–30 digits), else null. */
export function digitsOnly(s: string): string | null {
  if (s.length < 9 || s.length > 31) return null;
  let i = s.charCodeAt(0) === 0x2b ? 1 : 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return s.charCodeAt(0) === 0x2b ? s.slice(1) : s;
}

/**
 * A digit run that is a card (Luhn, 12–19 digits), a phone number (10–15 digits that are not a Unix
 * time in seconds, milliseconds or microseconds, 2001–2033) or longer than a double holds exactly
 * (its digits could be anything). Shorter runs are counts, ids and amounts.
 */
export function sensitiveNumber(digits: string): string | null {
  const n = digits.length;
  if (n < 10) return null;
  if (n >= 12 && n <= 19 && luhnValid(digits)) return 'card';
  if (n > 15) return n > 19 || !Number.isSafeInteger(Number(digits)) ? 'number' : null;
  const lead = digits.charCodeAt(0) - 48;
  // Unix times of this century's first third start with 1 (s: 10 digits, ms: 13 digits).
  if ((n === 10 || n === 13) && lead === 1) return null;
  return 'phone';
}
