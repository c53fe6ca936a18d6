import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, NO_EXPECTED, failed, passed } from '../scorer-kit.js';
import { extractChoice } from '../extract-choice.js';

/** The chosen letter equals the expected one (`value`, else the reference as a single letter). */
export function scoreMultipleChoice(a: AssertionOf<'multiple_choice'>, output: string, reference?: string): ScoreResult {
  const raw = a.value ?? reference?.trim();
  if (raw === undefined) return failed(NO_EXPECTED);
  if (!/^[A-Za-z]$/.test(raw)) return failed(`reference ${JSON.stringify(raw.slice(0, 20))} is not a single letter`);
  const expected = raw.toUpperCase();
  const got = extractChoice(output, a.choices ?? defaultChoices(expected));
  if (got === undefined) return failed(`no choice found, expected ${expected}`);
  return got === expected ? passed(`chose ${got}`) : failed(`chose ${got}, expected ${expected}`);
}

/** A through D, or through the expected letter when it lies further. */
function defaultChoices(expected: string): string {
  const last = Math.max('D'.charCodeAt(0), expected.charCodeAt(0));
  let s = '';
  for (let c = 'A'.charCodeAt(0); c <= last; c++) s += String.fromCharCode(c);
  return s;
}
