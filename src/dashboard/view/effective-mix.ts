import type { PolicySpec, Rule, Target } from '../../domain/policy-spec.js';

/**
 * The share of a run's traffic each model would get under a policy, given how that traffic splits
 * over the segment field. Top-level targets bypass rules (orq precedence); otherwise the
 * highest-priority matching rule applies, ties in document order. Only the conditions proposals
 * write are understood — `{}` and equality / `$eq` / `$in` on `metadata.<field>`; any other rule
 * makes the mix unknown (null), and the Rules pane is the place to read it.
 */
export function effectiveMix(spec: PolicySpec, field: string | null, segmentCounts: Record<string, number>): Map<string, number> | null {
  const body = spec.policy;
  if (body.targets?.length) return shares(body.targets);
  const rules = [...(body.rules ?? [])].map((r, i) => ({ r, i })).sort((a, b) => (b.r.priority ?? 0) - (a.r.priority ?? 0) || a.i - b.i);
  if (rules.length === 0 || !field) return null;
  const total = Object.values(segmentCounts).reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const out = new Map<string, number>();
  for (const [value, n] of Object.entries(segmentCounts)) {
    let matched: Rule | undefined;
    for (const { r } of rules) {
      const m = matches(r.when, field, value);
      if (m === null) return null;
      if (m) {
        matched = r;
        break;
      }
    }
    if (!matched) continue;
    for (const [model, w] of shares(matched.targets)) out.set(model, (out.get(model) ?? 0) + (w * n) / total);
  }
  return out;
}

/** Each target's share: weights are relative (watsonx normalises them). */
export function shares(targets: Target[] | undefined): Map<string, number> {
  const list = targets ?? [];
  const total = list.reduce((a, t) => a + (t.weight ?? 1), 0);
  const out = new Map<string, number>();
  for (const t of list) out.set(t.model_name, (out.get(t.model_name) ?? 0) + (total > 0 ? (t.weight ?? 1) / total : 0));
  return out;
}

/** true / false, or null when the condition is not one this view understands. */
function matches(when: Record<string, unknown>, field: string, value: string): boolean | null {
  const keys = Object.keys(when);
  if (keys.length === 0) return true;
  if (keys.length !== 1) return null;
  const key = keys[0] as string;
  if (key !== `metadata.${field}`) return null;
  const cond = when[key];
  if (typeof cond === 'string' || typeof cond === 'number' || typeof cond === 'boolean') return String(cond) === value;
  if (cond && typeof cond === 'object') {
    const c = cond as Record<string, unknown>;
    if (Object.keys(c).length !== 1) return null;
    if ('$eq' in c) return String(c.$eq) === value;
    if ('$in' in c && Array.isArray(c.$in)) return c.$in.map(String).includes(value);
  }
  return null;
}
