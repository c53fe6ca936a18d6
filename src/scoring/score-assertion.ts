import { checkExhaustive } from '../domain/errors.js';
import type { Assertion, ScoreResult } from '../domain/golden-case.js';
import { failed, scored } from './scorer-kit.js';
import { scoreExact } from './scorers/exact.js';
import { scoreNormalized } from './scorers/normalized.js';
import { scoreContains } from './scorers/contains.js';
import { scoreNotContains } from './scorers/not-contains.js';
import { scoreRegex } from './scorers/regex.js';
import { scoreJsonValid } from './scorers/json-valid.js';
import { scoreJsonSchema } from './scorers/json-schema.js';
import { scoreJsonEqual } from './scorers/json-equal.js';
import { scoreJsonSubset } from './scorers/json-subset.js';
import { scoreNumeric } from './scorers/numeric.js';
import { scoreMultipleChoice } from './scorers/multiple-choice.js';
import { scoreTokenF1 } from './scorers/token-f1.js';
import { scoreRougeL } from './scorers/rouge-l.js';
import { scoreLevenshtein } from './scorers/levenshtein.js';
import { scoreLength } from './scorers/length.js';
import { scoreRefusal } from './scorers/refusal.js';

export const NO_OUTPUT = 'no output (the model call failed)';

/**
 * Score one non-judge assertion. A null output (failed call) scores 0. The assertion's `threshold`,
 * when set, decides pass (score ≥ threshold) in place of the scorer's own rule. Never throws: a
 * scorer bug surfaces as a failing score with its message rather than aborting a whole run.
 */
export function scoreAssertionSync(assertion: Assertion, output: string | null, reference?: string): ScoreResult {
  if (output === null) return failed(NO_OUTPUT);
  let result: ScoreResult;
  try {
    result = dispatch(assertion, output, reference);
  } catch (e) {
    return failed(`scorer error: ${e instanceof Error ? e.message : String(e)}`);
  }
  return applyThreshold(assertion, result);
}

export function applyThreshold(assertion: Assertion, r: ScoreResult): ScoreResult {
  if (assertion.threshold === undefined) return scored(r.score, r.pass, r.reason);
  return scored(r.score, r.score >= assertion.threshold, r.reason);
}

function dispatch(a: Assertion, output: string, reference: string | undefined): ScoreResult {
  switch (a.type) {
    case 'exact':
      return scoreExact(a, output, reference);
    case 'normalized':
      return scoreNormalized(a, output, reference);
    case 'contains':
      return scoreContains(a, output);
    case 'not_contains':
      return scoreNotContains(a, output);
    case 'regex':
      return scoreRegex(a, output);
    case 'json_valid':
      return scoreJsonValid(output);
    case 'json_schema':
      return scoreJsonSchema(a, output);
    case 'json_equal':
      return scoreJsonEqual(a, output, reference);
    case 'json_subset':
      return scoreJsonSubset(a, output, reference);
    case 'numeric':
      return scoreNumeric(a, output, reference);
    case 'multiple_choice':
      return scoreMultipleChoice(a, output, reference);
    case 'token_f1':
      return scoreTokenF1(a, output, reference);
    case 'rouge_l':
      return scoreRougeL(a, output, reference);
    case 'levenshtein':
      return scoreLevenshtein(a, output, reference);
    case 'length':
      return scoreLength(a, output);
    case 'refusal':
      return scoreRefusal(a, output);
    case 'judge':
      return failed('judge assertions are scored through scoreCase (they need a judge model)');
    default:
      return checkExhaustive(a);
  }
}
