import type { Budget, PolicySpec, Strategy, Target } from '../domain/policy-spec.js';
import { parseField } from '../domain/request-field.js';
import { compileCondition } from './condition.js';
import type { PathIssue } from './request-context.js';

type Path = Array<string | number>;

/**
 * Semantic checks the schema cannot state, each naming its path: weights in (0, 1] (the seed's own
 * rule), duplicate targets, `single` with more than one target, an empty policy, `conditional` mode
 * with targets, conditions that cannot compile or never match, budgets ≤ 0.
 */
export function validateSpec(spec: PolicySpec): PathIssue[] {
  const issues: PathIssue[] = [];
  const body = spec.policy;
  const at = (...p: Path): Path => ['policy', ...p];
  const targets = body.targets;
  const rules = body.rules ?? [];
  if (targets && targets.length === 0)
    issues.push({
      path: at('targets'),
      message: 'an empty target list routes nowhere: list at least one model, or remove it to route by rules',
    });
  if (!targets?.length && rules.length === 0) {
    issues.push({ path: at(), message: 'the policy is empty: give it targets, or rules (mode: conditional)' });
  }
  if (targets?.length) {
    if (body.strategy.mode === 'conditional') {
      issues.push({
        path: at('strategy', 'mode'),
        message: 'mode conditional routes by rules: remove the targets or choose loadbalance, fallback, single or round_robin',
      });
    }
    checkTargets(targets, body.strategy, at(), issues);
  }
  if (body.scorer) {
    const sc = body.scorer;
    if ((sc.dim & (sc.dim - 1)) !== 0) issues.push({ path: at('scorer', 'dim'), message: `dim ${sc.dim} is not a power of two` });
    (sc.fields ?? []).forEach((name, i) => {
      const parsed = parseField(name, 'error');
      if (!parsed.ok) issues.push({ path: at('scorer', 'fields', i), message: parsed.message });
    });
    sc.models.forEach((m, i) => {
      const k = m.weights.findIndex(([b]) => b >= sc.dim);
      if (k >= 0)
        issues.push({ path: at('scorer', 'models', i, 'weights', k), message: `bucket ${m.weights[k]?.[0]} is not under dim ${sc.dim}` });
      const c = m.cost_model?.weights.findIndex(([b]) => b >= sc.dim) ?? -1;
      if (c >= 0)
        issues.push({
          path: at('scorer', 'models', i, 'cost_model', 'weights', c),
          message: `bucket ${m.cost_model?.weights[c]?.[0]} is not under dim ${sc.dim}`,
        });
    });
  }
  rules.forEach((rule, i) => {
    const here = at('rules', i);
    compileCondition(rule.when, [...here, 'when'], issues);
    const strategy = rule.strategy ?? { mode: 'fallback' as const };
    if (strategy.mode === 'conditional')
      issues.push({
        path: [...here, 'strategy', 'mode'],
        message: 'a rule routes its own targets: use loadbalance, fallback, single or round_robin',
      });
    checkTargets(rule.targets, strategy, here, issues);
  });
  body.guardrails?.forEach((g, i) => compileCondition(g.when, at('guardrails', i, 'when'), issues));
  if (body.budget) checkBudget(body.budget, at('budget'), issues);
  return issues;
}

function checkTargets(targets: readonly Target[], strategy: Strategy, at: Path, issues: PathIssue[]): void {
  const seen = new Map<string, number>();
  targets.forEach((t, i) => {
    if (t.weight !== undefined && !(t.weight > 0 && t.weight <= 1)) {
      issues.push({
        path: [...at, 'targets', i, 'weight'],
        message: `weight ${t.weight} is outside (0, 1]: weights must be greater than 0 and at most 1`,
      });
    }
    const first = seen.get(t.model_name);
    if (first !== undefined)
      issues.push({ path: [...at, 'targets', i, 'model_name'], message: `duplicate target ${t.model_name} (also targets[${first}])` });
    else seen.set(t.model_name, i);
  });
  if (strategy.mode === 'single' && targets.length > 1) {
    issues.push({
      path: [...at, 'targets'],
      message: `mode single uses one model but ${targets.length} are listed: keep one, or use fallback or loadbalance`,
    });
  }
}

function checkBudget(budget: Budget, at: Path, issues: PathIssue[]): void {
  for (const kind of ['max_spend_usd', 'max_tokens', 'max_requests'] as const) {
    const limit = budget[kind];
    if (!limit) continue;
    if (!(limit.limit > 0))
      issues.push({
        path: [...at, kind, 'limit'],
        message: `${kind} must be greater than 0 (got ${limit.limit}); remove it to have no limit`,
      });
    else if (kind !== 'max_spend_usd' && !Number.isInteger(limit.limit))
      issues.push({ path: [...at, kind, 'limit'], message: `${kind} is a whole number` });
  }
}
