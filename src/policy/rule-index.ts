import type { Rule } from '../domain/policy-spec.js';
import { compileFirstMatch, compileKeyedFirstMatch } from './condition.js';
import type { RequestContext } from './request-context.js';

/**
 * Rules usually key on one field (`metadata.intent: code`, as the router-policy seed writes them).
 * This index reads that field once and tests, in priority order, only the rules that can match its
 * value plus the rules that do not constrain it — so a 10-rule policy tests one or two conditions
 * instead of ten. Each candidate's full condition is still tested; the index only skips.
 */
export interface RuleIndex<R> {
  /** The first rule that matches (one generated function: a switch on the field's value). */
  firstMatch(request: RequestContext): R | null;
}

type Primitive = string | number | boolean;

/** `field: v`, `field: {$eq: v}` or `field: {$in: [...]}` at the top of `when`: the values it allows. */
function allowedValues(when: Rule['when'], field: string): Primitive[] | null {
  if (!(field in when)) return null;
  const spec = when[field];
  if (isPrimitive(spec)) return [spec];
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return null;
  const ops = Object.keys(spec);
  if (ops.length !== 1) return null;
  const arg = (spec as Record<string, unknown>)[ops[0] as string];
  if (ops[0] === '$eq' && isPrimitive(arg)) return [arg];
  if (ops[0] === '$in' && Array.isArray(arg) && arg.every(isPrimitive)) return arg as Primitive[];
  return null;
}

export function buildRuleIndex<R>(rules: ReadonlyArray<{ when: Rule['when']; compiled: R }>): RuleIndex<R> {
  const all = rules.map((r) => r.compiled);
  const allFirst = compileFirstMatch(rules.map((r) => r.when));
  const linear: RuleIndex<R> = { firstMatch: (request) => pick(all, allFirst(request)) };
  // The field constrained by the most rules is the one worth indexing.
  const counts = new Map<string, number>();
  for (const r of rules) for (const key of Object.keys(r.when)) if (allowedValues(r.when, key)) counts.set(key, (counts.get(key) ?? 0) + 1);
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  if (!best || best[1] < 2) return linear;

  const allowed = rules.map((r) => allowedValues(r.when, best[0]));
  const lists = new Map<Primitive, number[]>();
  for (const values of allowed) for (const v of values ?? []) lists.set(v, []);
  const open: number[] = [];
  allowed.forEach((values, i) => {
    if (!values) {
      open.push(i);
      for (const list of lists.values()) list.push(i);
    } else {
      for (const v of new Set(values)) lists.get(v)?.push(i);
    }
  });
  const keyed = (ids: readonly number[]) => ids.map((id) => ({ id, when: (rules[id] as (typeof rules)[number]).when }));
  const first = compileKeyedFirstMatch(
    best[0],
    [...lists.entries()].map(([value, ids]) => ({ value, conditions: keyed(ids) })),
    keyed(open),
    // An array field (tags) can match several keys: keep it simple and test every rule.
    keyed(rules.map((_, i) => i)),
  );
  // Undefined when the field is not one a condition can read: then every rule is tested.
  if (!first) return linear;
  return { firstMatch: (request) => pick(all, first(request)) };
}

function pick<R>(all: readonly R[], k: number): R | null {
  return k < 0 ? null : (all[k] as R);
}

function isPrimitive(v: unknown): v is Primitive {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
