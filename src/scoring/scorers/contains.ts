import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, scored } from '../scorer-kit.js';
import { quote } from '../text.js';

/** Which of `values` occur in `output` (shared with not_contains). */
export function occurrences(values: readonly string[], output: string, caseSensitive: boolean): boolean[] {
  const hay = caseSensitive ? output : output.toLowerCase();
  return values.map((v) => hay.includes(caseSensitive ? v : v.toLowerCase()));
}

/** mode any: 1 when any value occurs; mode all: the share of values that occur, pass when all do. */
export function scoreContains(a: AssertionOf<'contains'>, output: string): ScoreResult {
  const found = occurrences(a.values, output, a.case_sensitive);
  const hits = found.filter(Boolean).length;
  const missing = a.values.filter((_, i) => !found[i]);
  if (a.mode === 'any') {
    return hits > 0
      ? scored(1, true, `contains ${quote(a.values[found.indexOf(true)] ?? '')}`)
      : scored(0, false, `contains none of ${missing.map((m) => quote(m)).join(', ')}`);
  }
  const score = hits / a.values.length;
  return hits === a.values.length
    ? scored(1, true, `contains all ${hits} values`)
    : scored(score, false, `missing ${missing.map((m) => quote(m)).join(', ')}`);
}
