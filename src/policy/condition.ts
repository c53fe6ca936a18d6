import { compileLinear, type LinearRegex } from '../domain/linear-regex.js';
import type { Condition } from '../domain/policy-spec.js';
import { parseField } from '../domain/request-field.js';
import type { PathIssue, RequestContext } from './request-context.js';

/**
 * Conditions (rule `when`, guardrail `when`): mongo-style operators over `metadata.*`, `params.*`
 * and `input_tokens` — the query language of Portkey's conditional routing. A plain value means
 * `$eq`; a missing field equals null. When the field holds an array (`metadata.tags`), `$eq`/`$in`/
 * `$regex` match if any element matches and `$ne`/`$nin` are their negations. Comparisons only hold
 * between like types (a string never satisfies a numeric bound).
 *
 * Each condition is compiled once into one straight-line function, as ajv compiles schemas: the
 * router tests several conditions per request, and a chain of small closures costs several times
 * more. Only JSON literals and constant-table indexes are written into the source, never user text
 * as code (keys and strings go through JSON.stringify).
 */
export type Predicate = (request: RequestContext) => boolean;

export const OPERATORS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$regex'] as const;

type Path = Array<string | number>;

/** Run-time helpers the generated code calls; small and monomorphic so they inline. */
const helpers = {
  eq: matchesEq,
  has: (v: unknown, set: ReadonlySet<unknown>): boolean => (Array.isArray(v) ? v.some((x) => set.has(x)) : set.has(v)),
  re: (v: unknown, re: LinearRegex): boolean =>
    Array.isArray(v) ? v.some((x) => typeof x === 'string' && re.test(x)) : typeof v === 'string' && re.test(v),
  path: (root: unknown, keys: readonly string[]): unknown => {
    let v = root;
    for (const k of keys) {
      if (v === null || typeof v !== 'object') return undefined;
      // Own keys only: `metadata.constructor` must not read Object.prototype.constructor.
      v = Object.hasOwn(v, k) ? (v as Record<string, unknown>)[k] : undefined;
    }
    return v;
  },
};

export function compileCondition(when: Condition, at: Path, issues: PathIssue[]): Predicate {
  const consts: unknown[] = [];
  const source = conditionSource(when, at, issues, consts);
  // Built from literals and constant indexes only (see above); `new Function` is ajv's technique.
  const factory = new Function('h', 'c', `return function when(r) { let v; return ${source}; };`) as (
    h: typeof helpers,
    c: unknown[],
  ) => Predicate;
  return factory(helpers, consts);
}

/**
 * Several conditions in one function returning the index of the first that holds, or -1: the
 * router tests a rule list or the guardrails with one call instead of one per condition.
 */
export function compileFirstMatch(whens: readonly Condition[]): (request: RequestContext) => number {
  const consts: unknown[] = [];
  const ignored: PathIssue[] = [];
  const body = whens.map((w, i) => `if (${conditionSource(w, [], ignored, consts)}) return ${i};`).join('\n');
  const factory = new Function('h', 'c', `return function firstMatch(r) { let v; ${body} return -1; };`) as (
    h: typeof helpers,
    c: unknown[],
  ) => (request: RequestContext) => number;
  return factory(helpers, consts);
}

/**
 * compileFirstMatch behind a switch: `key` is read once and its value picks the branch (the rules
 * that can match that value, in priority order); any other value takes `otherwise`, an array value
 * (tags) takes `anyArray`. Each branch returns the id of its first condition that holds, or -1.
 * One call, no map lookup: this is the rule index of rule-index.ts, written as code.
 */
export type Keyed = ReadonlyArray<{ id: number; when: Condition }>;

export function compileKeyedFirstMatch(
  key: string,
  branches: ReadonlyArray<{ value: string | number | boolean; conditions: Keyed }>,
  otherwise: Keyed,
  anyArray: Keyed,
): ((request: RequestContext) => number) | undefined {
  const consts: unknown[] = [];
  const ignored: PathIssue[] = [];
  const read = readSource(key, consts);
  if (!read) return undefined;
  const tests = (list: Keyed) =>
    `${list.map((c) => `if (${conditionSource(c.when, [], ignored, consts)}) return ${c.id};`).join('\n')} return -1;`;
  const cases = branches.map((b) => `case ${literal(b.value)}: { ${tests(b.conditions)} }`).join('\n');
  const body = `const k = ${read}; if (Array.isArray(k)) { ${tests(anyArray)} } switch (k) { ${cases} } ${tests(otherwise)}`;
  const factory = new Function('h', 'c', `return function keyedFirstMatch(r) { let v; ${body} };`) as (
    h: typeof helpers,
    c: unknown[],
  ) => (request: RequestContext) => number;
  return factory(helpers, consts);
}

function conditionSource(when: Condition, at: Path, issues: PathIssue[], consts: unknown[]): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(when)) {
    const here = [...at, key];
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) {
        issues.push({ path: here, message: `${key} takes a non-empty list of conditions` });
        parts.push('false');
        continue;
      }
      const subs = value.map((v, i) => {
        if (!isPlainObject(v)) {
          issues.push({ path: [...here, i], message: 'each entry must be a condition mapping' });
          return 'false';
        }
        return conditionSource(v, [...here, i], issues, consts);
      });
      parts.push(`(${subs.join(key === '$and' ? ' && ' : ' || ')})`);
      continue;
    }
    if (key.startsWith('$')) {
      issues.push({ path: here, message: `unknown operator ${key}; use $and, $or or a field name` });
      parts.push('false');
      continue;
    }
    const read = readSource(key, consts);
    if (!read) {
      issues.push({ path: here, message: fieldMessage(key) });
      parts.push('false');
      continue;
    }
    parts.push(`(v = ${read}, ${fieldSource(value, here, issues, consts)})`);
  }
  return parts.length ? parts.join(' && ') : 'true';
}

/** The test of one field's value (already in `v`). */
function fieldSource(spec: unknown, at: Path, issues: PathIssue[], consts: unknown[]): string {
  if (!isOperatorObject(spec)) return eqSource(spec, consts);
  const tests: string[] = [];
  const options = spec.$options;
  for (const [op, arg] of Object.entries(spec)) {
    const here = [...at, op];
    switch (op) {
      case '$eq':
        tests.push(eqSource(arg, consts));
        break;
      case '$ne':
        tests.push(`!${eqSource(arg, consts)}`);
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        if (!(typeof arg === 'number' && Number.isFinite(arg)) && typeof arg !== 'string') {
          issues.push({ path: here, message: `${op} compares with a number or a string` });
          tests.push('false');
          break;
        }
        const sym = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[op];
        tests.push(`(typeof v === ${JSON.stringify(typeof arg)} && v ${sym} ${literal(arg)})`);
        break;
      }
      case '$in':
      case '$nin': {
        if (!Array.isArray(arg)) {
          issues.push({ path: here, message: `${op} takes a list of values` });
          tests.push('false');
          break;
        }
        tests.push(`${op === '$nin' ? '!' : ''}h.has(v, c[${consts.push(new Set(arg)) - 1}])`);
        break;
      }
      case '$regex': {
        const re = compileRegex(arg, options, at, issues);
        if (!re) tests.push('false');
        else {
          const test = `h.re(v, c[${consts.push(re) - 1}])`;
          const prefix = literalPrefix(re);
          // `^vip-` on a string is a startsWith, a third of the regex engine's cost per request.
          tests.push(prefix === null ? test : `(typeof v === "string" ? v.startsWith(${JSON.stringify(prefix)}) : ${test})`);
        }
        break;
      }
      case '$options':
        break;
      default:
        issues.push({ path: here, message: `unknown operator ${op}; use one of ${OPERATORS.join(' ')}` });
        tests.push('false');
    }
  }
  return tests.length ? `(${tests.join(' && ')})` : 'true';
}

// --- $regex on the linear-time engine (issue 17): metadata is attacker-controlled text. ---
function compileRegex(arg: unknown, options: unknown, at: Path, issues: PathIssue[]): LinearRegex | undefined {
  if (typeof arg !== 'string') {
    issues.push({ path: [...at, '$regex'], message: '$regex takes a pattern string' });
    return undefined;
  }
  if (options !== undefined && (typeof options !== 'string' || !/^[imsu]*$/.test(options))) {
    issues.push({ path: [...at, '$options'], message: '$options may hold only the flags i, m, s, u' });
    return undefined;
  }
  const compiled = compileLinear(arg, typeof options === 'string' ? options : '');
  if (compiled.ok) return compiled.regex;
  issues.push({ path: [...at, '$regex'], message: `this rule can never match: the pattern does not compile (${compiled.error})` });
  return undefined;
}
// --- end $regex ---

/** The literal a flagless `^literal` pattern anchors on, or null for any other pattern. */
function literalPrefix(re: LinearRegex): string | null {
  if (re.flags !== '') return null;
  const m = /^\^([\w\- :/@]+)$/.exec(re.source);
  return m ? (m[1] as string) : null;
}

/** Equality: a primitive compares inline (with the any-element rule for arrays); the rest via h.eq. */
function eqSource(arg: unknown, consts: unknown[]): string {
  if (typeof arg === 'string' || typeof arg === 'boolean' || (typeof arg === 'number' && Number.isFinite(arg))) {
    const lit = literal(arg);
    return `(v === ${lit} || (Array.isArray(v) && v.includes(${lit})))`;
  }
  return `h.eq(v, c[${consts.push(arg) - 1}])`;
}

function literal(v: string | number | boolean): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Source reading a field from `r`, or undefined when the key is not a field. */
function readSource(key: string, consts: unknown[]): string | undefined {
  // Field names are resolved by the one resolver (domain/request-field.ts); only its answer is code.
  const parsed = parseField(key, 'error');
  if (!parsed.ok) return undefined;
  const f = parsed.field;
  if (f.root === 'input_tokens') return 'r.input_tokens';
  // Derived request fields (request-input.ts): absent when the caller computed none.
  if (f.root === 'input') return `(r.input == null ? undefined : r.input[${JSON.stringify(f.key)}])`;
  if (f.path.length === 1) {
    const k = JSON.stringify(f.path[0]);
    // A key Object.prototype also has (`constructor`, `__proto__`) is read only when it is the data's own.
    return (f.path[0] as string) in Object.prototype
      ? `(Object.hasOwn(r.${f.root}, ${k}) ? r.${f.root}[${k}] : undefined)`
      : `r.${f.root}[${k}]`;
  }
  return `h.path(r.${f.root}, c[${consts.push([...f.path]) - 1}])`;
}

function fieldMessage(key: string): string {
  const parsed = parseField(key, 'error');
  return parsed.ok ? `unknown field "${key}"` : parsed.message;
}

function matchesEq(v: unknown, arg: unknown): boolean {
  if (Array.isArray(v) && !Array.isArray(arg)) return v.some((x) => equalValue(x, arg));
  if (v === undefined) return arg === null;
  return equalValue(v, arg);
}

function equalValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}
