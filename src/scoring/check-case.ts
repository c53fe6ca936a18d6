import type { Assertion, GoldenCase } from '../domain/golden-case.js';
import { compileSchema } from './schema-compiler.js';
import { compileLinear } from '../domain/linear-regex.js';
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
  const needsReference = (what: string): CaseProblem[] =>
    reference === undefined ? at('value', `${a.type} needs a \`value\` or a case \`reference\` to compare with${what}`) : [];
  switch (a.type) {
    case 'regex': {
      // Scoring runs it on the linear-time engine, so nested quantifiers are harmless; what that
      // engine cannot run (backreferences, lookaround) is refused here, with the reason.
      const compiled = compileLinear(a.pattern, a.flags ?? '');
      return compiled.ok ? [] : at('pattern', `pattern does not compile: ${compiled.error}`);
    }
    case 'json_schema': {
      const compiled = compileSchema(a.schema);
      // ajv compiles `pattern` / `patternProperties` on the linear-time engine (schema-compiler.ts).
      return compiled.ok ? [] : at('schema', `JSON Schema does not compile: ${compiled.error}`);
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
      return /^\s*[A-Za-z]\s*$/.test(reference)
        ? checkChoices(reference.trim(), a.choices)
        : at('value', 'multiple_choice has no `value` and the reference is not a single letter');
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
