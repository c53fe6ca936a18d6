import type { PolicySpec } from '../domain/policy-spec.js';

/**
 * Every model the policy can send a request to, in first-mention order: the run planner fetches
 * each once per case. With top-level targets the rules are bypassed (orq precedence), so only the
 * targets count; otherwise every rule's targets do.
 */
export function reachableModels(spec: PolicySpec): string[] {
  const seen = new Set<string>();
  const targets = spec.policy.targets ?? [];
  for (const t of targets) seen.add(t.model_name);
  if (targets.length === 0) for (const r of spec.policy.rules ?? []) for (const t of r.targets) seen.add(t.model_name);
  return [...seen];
}
