import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { compileLinear } from '../domain/linear-regex.js';
import { type Result, ok, err } from '../domain/result.js';

/** Returns undefined when the data is valid, else the first violation in words. */
export type SchemaCheck = (data: unknown) => string | undefined;

// strict: false so that annotation keywords users copy from real schemas (`example`, `x-…`) are
// accepted; a schema that cannot compile is still an error, reported when the golden set loads.
// `pattern` and `patternProperties` come from the golden set and run over model output: they go
// to the linear-time engine (ajv's documented hook for RE2), so no schema can backtrack for ever.
const linearRegExp = Object.assign(
  (pattern: string, flags: string) => {
    const c = compileLinear(pattern, flags);
    if (!c.ok) throw new Error(`pattern ${JSON.stringify(pattern)}: ${c.error}`);
    return c.regex;
  },
  { code: 'linear-regex' },
);
const ajv = new Ajv({ strict: false, allErrors: false, code: { regExp: linearRegExp } });
(addFormats as unknown as (a: Ajv) => void)(ajv);

/** Compiled validators by schema text: a golden set reuses a handful of schemas over many cases. */
const compiled = new Map<string, Result<SchemaCheck, string>>();
const MAX_COMPILED = 256;

export function compileSchema(schema: Record<string, unknown>): Result<SchemaCheck, string> {
  let key: string;
  try {
    key = JSON.stringify(schema);
  } catch {
    return err('schema is not serialisable JSON');
  }
  const hit = compiled.get(key);
  if (hit) return hit;
  let result: Result<SchemaCheck, string>;
  try {
    const validate: ValidateFunction = ajv.compile(schema);
    result = ok((data) => (validate(data) ? undefined : describe(validate)));
  } catch (e) {
    result = err(e instanceof Error ? e.message : String(e));
  }
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(key, result);
  return result;
}

function describe(validate: ValidateFunction): string {
  const e = validate.errors?.[0];
  if (!e) return 'invalid';
  return `${e.instancePath || '$'} ${e.message ?? 'is invalid'}`;
}
