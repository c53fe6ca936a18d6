import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, failed, passed } from '../scorer-kit.js';
import { extractJson } from '../json-text.js';
import { compileSchema } from '../schema-compiler.js';

/** Largest output a JSON Schema is checked against (characters): keeps uniqueItems' n² small. */
export const JSON_SCHEMA_TEXT_LIMIT = 200_000;

/** Valid JSON (whole output or fenced) that satisfies the assertion's JSON Schema (ajv, formats on). */
export function scoreJsonSchema(a: AssertionOf<'json_schema'>, output: string): ScoreResult {
  const validate = compileSchema(a.schema);
  if (!validate.ok) return failed(`schema does not compile: ${validate.error}`);
  // Bounded work: ajv's uniqueItems compares items pairwise and recursive schemas recurse with the
  // data, so the text validated is capped and a stack overflow is a failure, not a crash.
  if (output.length > JSON_SCHEMA_TEXT_LIMIT)
    return failed(`output is ${output.length} characters; JSON Schema checks read at most ${JSON_SCHEMA_TEXT_LIMIT}`);
  const parsed = extractJson(output);
  if (!parsed.ok) return failed(parsed.error);
  if (UNIQUE_ITEMS.test(JSON.stringify(a.schema)) && longestArray(parsed.value) > UNIQUE_ITEMS_LIMIT) {
    return failed(`an array of more than ${UNIQUE_ITEMS_LIMIT} items under a uniqueItems schema is not checked (pairwise comparison)`);
  }
  let problems: string | undefined;
  try {
    problems = validate.value(parsed.value);
  } catch (e) {
    return failed(`schema check stopped: ${e instanceof Error ? e.message.slice(0, 120) : 'error'}`);
  }
  return problems === undefined ? passed('matches the schema') : failed(`schema violation: ${problems}`);
}

const UNIQUE_ITEMS = /"uniqueItems":true/;
const UNIQUE_ITEMS_LIMIT = 2_000;

/** Length of the longest array anywhere in a parsed JSON value (iterative: the value may be deep). */
function longestArray(value: unknown): number {
  let longest = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      longest = Math.max(longest, v.length);
      for (const x of v) if (x !== null && typeof x === 'object') stack.push(x);
    } else if (v !== null && typeof v === 'object') {
      for (const x of Object.values(v)) if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
  return longest;
}
