import type { ScoreResult } from '../../domain/golden-case.js';
import { type AssertionOf, failed, passed } from '../scorer-kit.js';
import { extractJson } from '../json-text.js';
import { compileSchema } from '../schema-compiler.js';

/** Valid JSON (whole output or fenced) that satisfies the assertion's JSON Schema (ajv, formats on). */
export function scoreJsonSchema(a: AssertionOf<'json_schema'>, output: string): ScoreResult {
  const validate = compileSchema(a.schema);
  if (!validate.ok) return failed(`schema does not compile: ${validate.error}`);
  const parsed = extractJson(output);
  if (!parsed.ok) return failed(parsed.error);
  const problems = validate.value(parsed.value);
  return problems === undefined ? passed('matches the schema') : failed(`schema violation: ${problems}`);
}
