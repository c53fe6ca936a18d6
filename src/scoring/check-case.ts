import type { Assertion, GoldenCase } from '../domain/golden-case.js';
import { compileSchema } from './schema-compiler.js';
import { nestedQuantifier } from './regex-safety.js';
import { extractFinalNumber } from './extract-number.js';
import { tryParse } from './json-text.js';

/** A problem found in a parsed case, at a path relative to the case (e.g. `assertions.1.pattern`). */
export interface CaseProblem {
  path: Array<string | number>;
  message: string;
}

/**
 * Load-time checks that the schema cannot express: patterns and JSON Schemas must compile, bounds
 * must be ordered, and an assertion without its own `value` must find a usable reference. Finding
 * these here keeps scorer failures for what they are meant to report: bad model output.
 */
export function checkCase(c: GoldenCase): CaseProblem[] {
  const problems: CaseProblem[] = [];
  c.assertions.forEach((a, i) => {
    for (const p of checkAssertion(a, c.reference)) problems.push({ path: ['assertions', i, ...p.path], message: p.message });
  });
  return problems;
}

function checkAssertion(a: Assertion, reference: string | undefined): CaseProblem[] {
  const at = (field: string, message: string): CaseProblem[] => [{ path: [field], message }];
  const needsReference = (what: string): CaseProblem[] => (reference === undefined ? at('value', `${a.type} needs a \`value\` or a case \`reference\` to compare with${what}`) : []);
  switch (a.type) {
    case 'regex': {
      try {
        new RegExp(a.pattern, a.flags ?? '');
      } catch (e) {
        return at('pattern', `pattern does not compile: ${e instanceof Error ? e.message : String(e)}`);
      }
      const nested = nestedQuantifier(a.pattern);
      return nested ? at('pattern', `nested quantifier ${JSON.stringify(nested)} can backtrack catastrophically; rewrite it without repeating a repeated group`) : [];
    }
    case 'json_schema': {
      const compiled = compileSchema(a.schema);
      if (!compiled.ok) return at('schema', `JSON Schema does not compile: ${compiled.error}`);
      // ajv runs `pattern` / `patternProperties` as plain RegExps over model output: same guard as `regex`.
      const nested = schemaPatterns(a.schema).map(nestedQuantifier).find((n) => n !== undefined);
      return nested ? at('schema', `pattern with nested quantifier ${JSON.stringify(nested)} can backtrack catastrophically; rewrite it without repeating a repeated group`) : [];
    }
    case 'length':
      if (a.min === undefined && a.max === undefined) return at('min', 'length needs `min`, `max` or both');
      if (a.min !== undefined && a.max !== undefined && a.min > a.max) return at('max', `max ${a.max} is below min ${a.min}`);
      return [];
    case 'exact':
    case 'normalized':
    case 'token_f1':
    case 'rouge_l':
    case 'levenshtein':
      return a.value === undefined ? needsReference('') : [];
    case 'numeric':
      if (a.value !== undefined) return [];
      if (reference === undefined) return needsReference('');
      return extractFinalNumber(reference) === undefined ? at('value', 'numeric has no `value` and the reference holds no number') : [];
    case 'multiple_choice':
      if (a.value !== undefined) return checkChoices(a.value, a.choices);
      if (reference === undefined) return needsReference('');
      return /^\s*[A-Za-z]\s*$/.test(reference) ? checkChoices(reference.trim(), a.choices) : at('value', 'multiple_choice has no `value` and the reference is not a single letter');
    case 'json_equal':
    case 'json_subset':
      if (a.value !== undefined) return [];
      if (reference === undefined) return needsReference('');
      return tryParse(reference).ok ? [] : at('value', `${a.type} has no \`value\` and the reference is not JSON`);
    case 'judge':
      return a.mode === 'pairwise' && reference === undefined ? at('mode', 'pairwise judging needs a case `reference`') : [];
    case 'contains':
    case 'not_contains':
    case 'json_valid':
    case 'refusal':
      return [];
  }
}

function checkChoices(letter: string, choices: string | undefined): CaseProblem[] {
  if (choices === undefined || choices.toUpperCase().includes(letter.toUpperCase())) return [];
  return [{ path: ['choices'], message: `expected letter ${letter.toUpperCase()} is not among choices "${choices}"` }];
}

/** Every regular expression a JSON Schema holds (`pattern` values, `patternProperties` keys), at any depth. */
function schemaPatterns(schema: unknown, out: string[] = []): string[] {
  if (Array.isArray(schema)) for (const s of schema) schemaPatterns(s, out);
  else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'pattern' && typeof v === 'string') out.push(v);
      if (k === 'patternProperties' && v && typeof v === 'object') out.push(...Object.keys(v));
      schemaPatterns(v, out);
    }
  }
  return out;
}
