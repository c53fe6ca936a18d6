import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, failed, passed } from '../scorer-kit.js';
import { REGEX_SCAN_LIMIT, quote } from '../text.js';

/**
 * Passes when the pattern matches somewhere in the first REGEX_SCAN_LIMIT characters. A pattern that
 * does not compile is rejected when the golden set loads (see validate-assertions.ts); scoring an
 * unchecked one still returns a failure instead of throwing.
 */
export function scoreRegex(a: AssertionOf<'regex'>, output: string): ScoreResult {
  let re: RegExp;
  try {
    // g and y make exec() stateful (lastIndex); a yes/no match needs neither.
    re = new RegExp(a.pattern, (a.flags ?? '').replace(/[gy]/g, ''));
  } catch (e) {
    return failed(`pattern does not compile: ${e instanceof Error ? e.message : String(e)}`);
  }
  const scanned = output.length > REGEX_SCAN_LIMIT ? output.slice(0, REGEX_SCAN_LIMIT) : output;
  const m = re.exec(scanned);
  const cut = output.length > REGEX_SCAN_LIMIT ? ` (first ${REGEX_SCAN_LIMIT} chars scanned)` : '';
  return m ? passed(`matches /${a.pattern}/ at ${quote(m[0], 30)}${cut}`) : failed(`no match for /${a.pattern}/${cut}`);
}
