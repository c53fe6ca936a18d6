import type { Condition, PolicySpec, Rule, Target } from '../domain/policy-spec.js';
import type { Mix } from './hull-walk.js';

export const DEFAULT_GROUP = 'default';

/** One emitted rule: its name, condition and model mix (segments and tree leaves alike). */
export interface EmittedRule {
  name: string;
  when: Condition;
  mix: Mix;
}

/**
 * Shares → watsonx targets: weights in (0, 1] rounded to 3 decimals (shares under 0.0005 dropped,
 * never emitted as 0), ordered by weight then name so the document is stable.
 */
export function targetsOf(mix: Mix): Target[] {
  const kept = Object.entries(mix)
    .map(([model, w]) => ({ model, w: Math.round(w * 1000) / 1000 }))
    .filter((t) => t.w > 0);
  const list = kept.length
    ? kept
    : Object.entries(mix)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 1)
        .map(([model]) => ({ model, w: 1 }));
  return list
    .sort((a, b) => b.w - a.w || a.model.localeCompare(b.model))
    .map(({ model, w }) => ({ model_name: model, weight: Math.min(1, w) }));
}

/**
 * The proposed policy: the baseline document with its routing replaced. Guardrails, budget, scope,
 * retry and the strategy's status codes are kept — the proposal changes who serves, nothing else.
 * Without rules it is a loadbalance over weighted targets; with them it is `conditional`: the rules
 * in order (first match wins) and a catch-all `when: {}` rule last (a policy with its own targets
 * would bypass the rules, orq precedence).
 */
export function emitSpec(base: PolicySpec, defaultMix: Mix, rules: readonly EmittedRule[]): PolicySpec {
  const { targets: _targets, rules: _rules, strategy, ...rest } = base.policy;
  const onCodes = strategy.on_status_codes ? { on_status_codes: [...strategy.on_status_codes] } : {};
  const loadbalance = { mode: 'loadbalance' as const, ...onCodes };
  if (rules.length === 0) {
    return { ...base, policy: { ...rest, strategy: loadbalance, targets: targetsOf(defaultMix) } };
  }
  const emitted: Rule[] = rules.map((r) => ({ name: r.name, when: r.when, strategy: loadbalance, targets: targetsOf(r.mix) }));
  const fallbackRule: Rule = { name: DEFAULT_GROUP, when: {}, strategy: loadbalance, targets: targetsOf(defaultMix) };
  return { ...base, policy: { ...rest, strategy: { mode: 'conditional', ...onCodes }, rules: [...emitted, fallbackRule] } };
}
