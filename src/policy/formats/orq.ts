import type { Budget, Guardrail, PolicySpec, Target } from '../../domain/policy-spec.js';
import type { PathIssue } from '../request-context.js';
import { isRecord, refuse, refuseUnknownKeys, type Converted, type Path } from './format.js';

/**
 * orq.ai AI Router policy as JSON, field for field with the policy panel in the orq docs: name,
 * description, enabled, project (`global` or a project id), strategy `fallback | weighted |
 * round_robin`, models with percentage weights, guardrails (condition → block | flag) and the three
 * budgets, each with its period. orq has no retry settings and no routing rules inside a policy.
 */
const MODES = { fallback: 'fallback', weighted: 'loadbalance', round_robin: 'round_robin' } as const;
const TOP = ['name', 'description', 'display_name', 'enabled', 'project', 'strategy', 'models', 'guardrails', 'budget'];
const BUDGETS = [
  ['max_spend', 'max_spend_usd', 'amount_usd'],
  ['token_limit', 'max_tokens', 'max_tokens'],
  ['request_limit', 'max_requests', 'max_requests'],
] as const;
const WHY = 'routelab reads the orq policy panel fields only';

/** Percentages are written with 12 significant digits so weights survive the ×100 and back. */
const pct = (w: number) => Number((w * 100).toPrecision(12));
const frac = (p: number) => Number((p / 100).toPrecision(12));

export function readOrq(value: unknown): Converted {
  const issues: PathIssue[] = [];
  const src = isRecord(value) ? value : {};
  refuseUnknownKeys(src, TOP, [], issues, WHY);
  const mode = MODES[String(src.strategy) as keyof typeof MODES];
  if (!mode) issues.push({ path: ['strategy'], message: `strategy must be one of ${Object.keys(MODES).join(', ')}` });
  const models = Array.isArray(src.models) ? src.models : [];
  if (!models.length)
    issues.push({
      path: ['models'],
      message: 'an orq policy without models defers to routing rules, which live outside the policy: list its models',
    });
  const targets: Target[] = models.map((m, i) => {
    if (!isRecord(m) || typeof m.model !== 'string') {
      issues.push({ path: ['models', i], message: 'each model entry is {model, weight?}' });
      return { model_name: '' };
    }
    refuseUnknownKeys(m, ['model', 'weight'], ['models', i], issues, WHY);
    return typeof m.weight === 'number' ? { model_name: m.model, weight: frac(m.weight) } : { model_name: m.model };
  });
  const body: Record<string, unknown> = { strategy: { mode: mode ?? 'fallback' }, targets };
  if (src.guardrails !== undefined) {
    body.guardrails = (Array.isArray(src.guardrails) ? src.guardrails : []).map((g, i) => {
      if (!isRecord(g)) return g;
      refuseUnknownKeys(g, ['name', 'condition', 'action'], ['guardrails', i], issues, WHY);
      return { ...(g.name !== undefined ? { name: g.name } : {}), when: g.condition, action: g.action };
    });
  }
  if (src.budget !== undefined) {
    const b = isRecord(src.budget) ? src.budget : {};
    refuseUnknownKeys(
      b,
      BUDGETS.map(([k]) => k),
      ['budget'],
      issues,
      WHY,
    );
    const budget: Record<string, unknown> = {};
    for (const [orqKey, key, amount] of BUDGETS) {
      const limit = b[orqKey];
      if (!isRecord(limit)) continue;
      refuseUnknownKeys(limit, [amount, 'period'], ['budget', orqKey], issues, WHY);
      budget[key] = { limit: limit[amount], period: limit.period };
    }
    body.budget = budget;
  }
  if (src.project !== undefined) body.scope = src.project;
  if (src.enabled !== undefined) body.enabled = src.enabled;
  const candidate: Record<string, unknown> = { spec_version: 'v1', kind: 'model', name: src.name };
  if (src.description !== undefined) candidate.description = src.description;
  if (src.display_name !== undefined) candidate.display_name = src.display_name;
  candidate.policy = body;
  return { candidate, issues, notes: [], sourcePath: toSource };
}

function toSource(p: Path): Path {
  if (p[0] !== 'policy') return p;
  const [, key, ...rest] = p;
  switch (key) {
    case 'targets':
      return ['models', ...rest.map((s) => (s === 'model_name' ? 'model' : s))];
    case 'strategy':
      return ['strategy'];
    case 'scope':
      return ['project'];
    case 'guardrails':
      return ['guardrails', ...rest.map((s) => (s === 'when' ? 'condition' : s))];
    case 'budget': {
      const b = BUDGETS.find(([, k]) => k === rest[0]);
      return b ? ['budget', b[0], ...(rest[1] === 'limit' ? [b[2]] : rest.slice(1))] : ['budget'];
    }
    default:
      return key === undefined ? [] : [key];
  }
}

export function writeOrq(spec: PolicySpec): { issues: PathIssue[]; text: string } {
  const b = spec.policy;
  const f = 'orq';
  const issues: PathIssue[] = [];
  const mode = b.strategy.mode;
  const orqMode = (Object.keys(MODES) as Array<keyof typeof MODES>).find((k) => MODES[k] === mode);
  if (!orqMode) issues.push(refuse(['policy', 'strategy', 'mode'], f, `orq policies are fallback, weighted or round_robin, not ${mode}`));
  if (b.strategy.on_status_codes) issues.push(refuse(['policy', 'strategy', 'on_status_codes'], f, 'orq moves on after any failure'));
  if (b.retry) issues.push(refuse(['policy', 'retry'], f, 'orq policies have no retry settings'));
  if (b.rules?.length) issues.push(refuse(['policy', 'rules'], f, 'orq routing rules live outside the policy'));
  if (mode !== 'loadbalance')
    (b.targets ?? []).forEach(
      (t, i) =>
        t.weight !== undefined && issues.push(refuse(['policy', 'targets', i, 'weight'], f, 'weights apply to the weighted strategy only')),
    );
  const out: Record<string, unknown> = { name: spec.name };
  if (spec.description !== undefined) out.description = spec.description;
  if (spec.display_name !== undefined) out.display_name = spec.display_name;
  if (b.enabled !== undefined) out.enabled = b.enabled;
  if (b.scope !== undefined) out.project = b.scope;
  out.strategy = orqMode ?? mode;
  out.models = (b.targets ?? []).map((t) =>
    t.weight !== undefined ? { model: t.model_name, weight: pct(t.weight) } : { model: t.model_name },
  );
  if (b.guardrails)
    out.guardrails = b.guardrails.map((g: Guardrail) => ({
      ...(g.name !== undefined ? { name: g.name } : {}),
      condition: g.when,
      action: g.action,
    }));
  if (b.budget) {
    const budget: Record<string, unknown> = {};
    for (const [orqKey, key, amount] of BUDGETS) {
      const limit = (b.budget as Budget)[key];
      if (limit) budget[orqKey] = { [amount]: limit.limit, period: limit.period };
    }
    out.budget = budget;
  }
  return { issues, text: `${JSON.stringify(out, null, 2)}\n` };
}
