import type { Assertion, AssertionType, ScoreResult } from '../domain/golden-case.js';
import { clamp01 } from './text.js';

/** The assertion variant a scorer handles. */
export type AssertionOf<T extends AssertionType> = Extract<Assertion, { type: T }>;

export function scored(score: number, pass: boolean, reason: string): ScoreResult {
  return { score: clamp01(score), pass, reason };
}

export const passed = (reason: string): ScoreResult => scored(1, true, reason);
export const failed = (reason: string): ScoreResult => scored(0, false, reason);

/** The text to compare with: the assertion's own `value`, else the case's reference. */
export function expectedText(value: string | undefined, reference: string | undefined): string | undefined {
  return value ?? reference;
}

export const NO_EXPECTED = 'no value and no case reference to compare with';
