import type { ScoreResult } from '../../domain/golden-case.js';
import { compileLinear } from '../../domain/linear-regex.js';
import { type AssertionOf, failed, passed } from '../scorer-kit.js';
import { REGEX_SCAN_LIMIT, quote } from '../text.js';

/**
 * Passes when the pattern matches somewhere in the first REGEX_SCAN_LIMIT characters. A pattern that
 * does not compile is rejected when the golden set loads (see validate-assertions.ts); scoring an
 * unchecked one still returns a failure instead of throwing.
 */
export function scoreRegex(a: AssertionOf<'regex'>, output: string): ScoreResult {
  // The golden set's author wrote the pattern and the model wrote the text: the linear-time engine.
  const compiled = compileLinear(a.pattern, a.flags ?? '');
  if (!compiled.ok) return failed(`pattern does not compile: ${compiled.error}`);
  const scanned = output.length > REGEX_SCAN_LIMIT ? output.slice(0, REGEX_SCAN_LIMIT) : output;
  const m = compiled.regex.exec(scanned);
  const cut = output.length > REGEX_SCAN_LIMIT ? ` (first ${REGEX_SCAN_LIMIT} chars scanned)` : '';
  return m ? passed(`matches /${a.pattern}/ at ${quote(m.text, 30)}${cut}`) : failed(`no match for /${a.pattern}/${cut}`);
}
