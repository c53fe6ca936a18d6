import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, scored } from '../scorer-kit.js';
import { quote } from '../text.js';
import { occurrences } from './contains.js';

/**
 * mode any (default): fails when any value occurs, score = share of values absent;
 * mode all: fails only when every value occurs.
 */
export function scoreNotContains(a: AssertionOf<'not_contains'>, output: string): ScoreResult {
  const found = occurrences(a.values, output, a.case_sensitive);
  const present = a.values.filter((_, i) => found[i]);
  const absentShare = 1 - present.length / a.values.length;
  if (present.length === 0) return scored(1, true, 'contains none of the forbidden values');
  if (a.mode === 'all' && present.length < a.values.length)
    return scored(1, true, `contains ${present.length} of ${a.values.length} values, not all`);
  return scored(a.mode === 'all' ? 0 : absentShare, false, `contains forbidden ${present.map((p) => quote(p)).join(', ')}`);
}
