import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, failed, passed } from '../scorer-kit.js';
import { extractJson, firstDifference } from '../json-text.js';
import { expectedJson } from './json-equal.js';

/**
 * The output contains the expected JSON: objects may have extra keys, and every expected array item
 * must match a distinct item of the actual array, in any order.
 */
export function scoreJsonSubset(a: AssertionOf<'json_subset'>, output: string, reference?: string): ScoreResult {
  const expected = expectedJson(a.value, reference);
  if (!expected.ok) return failed(expected.error);
  const actual = extractJson(output);
  if (!actual.ok) return failed(actual.error);
  const diff = firstDifference(expected.value, actual.value, '$', true);
  return diff === undefined ? passed('contains the expected JSON') : failed(`expected JSON not found at ${diff}`);
}
