import type { PolicySpec } from '../domain/policy-spec.js';
import { distribution, type RequestContext, type RouterState } from '../policy/index.js';

/**
 * The probability the router gave the attempt path it took, given what each model answered: the
 * exact distribution (src/policy/distribution.ts) is asked with each tried model returning the
 * statuses it returned here (equally likely), and the matching path's probability is divided by
 * those outcome factors, leaving only the router's own choices (e.g. 0.75 for a first draw of a
 * 0.75-weight target that answered). null when it cannot be enumerated (too many paths).
 */
export function propensityOf(
  spec: PolicySpec,
  request: RequestContext,
  state: RouterState,
  attempts: ReadonlyArray<{ model: string; status: number }>,
): number | null {
  const seen = new Map<string, number[]>();
  for (const a of attempts) {
    const list = seen.get(a.model) ?? [];
    if (!list.includes(a.status)) list.push(a.status);
    seen.set(a.model, list);
  }
  let paths;
  try {
    paths = distribution(
      spec,
      request,
      (model) => (seen.get(model) ?? [200]).map((status, _i, all) => ({ status, p: 1 / all.length })),
      state,
    );
  } catch {
    return null;
  }
  const match = paths.find(
    (p) =>
      p.attempts.length === attempts.length &&
      p.attempts.every((a, i) => a.model === attempts[i]?.model && a.status === attempts[i]?.status),
  );
  if (!match) return null;
  let outcomeFactor = 1;
  for (const a of attempts) outcomeFactor *= 1 / (seen.get(a.model)?.length ?? 1);
  return Math.min(1, match.p / outcomeFactor);
}
