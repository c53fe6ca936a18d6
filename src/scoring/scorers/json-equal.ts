import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, NO_EXPECTED, failed, passed } from '../scorer-kit.js';
import { extractJson, firstDifference, tryParse } from '../json-text.js';

/** The expected JSON: the assertion's `value`, else the reference parsed as JSON. */
export function expectedJson(value: unknown, reference: string | undefined): { ok: true; value: unknown } | { ok: false; error: string } {
  if (value !== undefined) return { ok: true, value };
  if (reference === undefined) return { ok: false, error: NO_EXPECTED };
  const parsed = tryParse(reference);
  return parsed.ok ? parsed : { ok: false, error: `reference is not JSON (${parsed.error})` };
}

/** Structurally equal JSON: key order ignored, array order kept, numbers by value. */
export function scoreJsonEqual(a: AssertionOf<'json_equal'>, output: string, reference?: string): ScoreResult {
  const expected = expectedJson(a.value, reference);
  if (!expected.ok) return failed(expected.error);
  const actual = extractJson(output);
  if (!actual.ok) return failed(actual.error);
  const diff = firstDifference(expected.value, actual.value, '$', false);
  return diff === undefined ? passed('JSON equal') : failed(`JSON differs at ${diff}`);
}
