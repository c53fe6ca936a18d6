import type { PolicySpec, Rule, Target } from '../../domain/policy-spec.js';
import type { PathIssue } from '../request-context.js';
import { derivedFieldPaths } from './derived-fields.js';
import { isRecord, Meta, META_KEY, refuse, refuseUnknownKeys, type Converted, type Path, type ReadOptions } from './format.js';

/**
 * Portkey gateway config JSON: `strategy.mode` (single | loadbalance | fallback | conditional),
 * `strategy.on_status_codes`, `retry.{attempts,on_status_codes}`, `targets[]` with
 * `override_params.model` and `weight`. Conditional routing (`strategy.conditions[].query/then`,
 * `strategy.default`) maps to rules, since Portkey's query language is the one rules use.
 */
const TOP_KEYS = ['strategy', 'retry', 'targets', META_KEY];
const TARGET_KEYS = ['name', 'provider', 'virtual_key', 'override_params', 'weight'];
const WHY = 'routelab reads Portkey strategy, retry and targets (model + weight) only';

export function readPortkey(value: unknown, opts: ReadOptions): Converted {
  const issues: PathIssue[] = [];
  const notes: string[] = [];
  const src = isRecord(value) ? value : {};
  refuseUnknownKeys(src, TOP_KEYS, [], issues, WHY);
  const meta = Meta.safeParse(src[META_KEY] ?? { name: opts.name ?? '' });
  if (!meta.success) issues.push({ path: [META_KEY], message: 'no policy name: pass --name (Portkey configs carry none)' });
  const strategy = isRecord(src.strategy) ? src.strategy : {};
  refuseUnknownKeys(strategy, ['mode', 'on_status_codes', 'conditions', 'default'], ['strategy'], issues, WHY);
  const rawTargets = Array.isArray(src.targets) ? src.targets : [];
  const named = new Map<string, Target>();
  const targets: Target[] = rawTargets.map((t, i) => {
    const at: Path = ['targets', i];
    if (!isRecord(t)) {
      issues.push({ path: at, message: 'a target is a mapping with override_params.model' });
      return { model_name: '' };
    }
    refuseUnknownKeys(t, TARGET_KEYS, at, issues, `${WHY}; nested strategies, keys and hosts belong in the model catalog`);
    const params = isRecord(t.override_params) ? t.override_params : {};
    refuseUnknownKeys(
      params,
      ['model'],
      [...at, 'override_params'],
      issues,
      "only the model is routing; other parameters are the caller's",
    );
    const model = typeof params.model === 'string' ? params.model : '';
    if (!model)
      issues.push({
        path: [...at, 'override_params', 'model'],
        message: 'each target needs override_params.model: routelab routes by model name',
      });
    const provider = typeof t.provider === 'string' ? t.provider : undefined;
    if (t.virtual_key !== undefined) notes.push(`targets[${i}].virtual_key is not kept: endpoints and keys come from the model catalog`);
    const target: Target = { model_name: provider && !model.startsWith(`${provider}/`) ? `${provider}/${model}` : model };
    if (t.weight !== undefined) target.weight = t.weight as number;
    if (typeof t.name === 'string') named.set(t.name, target);
    return target;
  });

  const mode = strategy.mode;
  const body: Record<string, unknown> = { strategy: { mode } };
  if (strategy.on_status_codes !== undefined) (body.strategy as Record<string, unknown>).on_status_codes = strategy.on_status_codes;
  if (src.retry !== undefined) body.retry = src.retry;
  if (mode === 'conditional') {
    const rules: Rule[] = [];
    const conditions = Array.isArray(strategy.conditions) ? strategy.conditions : [];
    const ruleFor = (name: unknown, when: Rule['when'], at: Path) => {
      const target = typeof name === 'string' ? named.get(name) : undefined;
      if (!target) issues.push({ path: at, message: `no target is named ${String(name)}` });
      else rules.push({ name: name as string, when, targets: [{ ...target }] });
    };
    conditions.forEach((c, i) => {
      if (!isRecord(c) || !isRecord(c.query))
        issues.push({ path: ['strategy', 'conditions', i], message: 'each condition has a query and a then' });
      else ruleFor(c.then, c.query, ['strategy', 'conditions', i, 'then']);
    });
    if (strategy.default !== undefined) ruleFor(strategy.default, {}, ['strategy', 'default']);
    body.rules = rules;
  } else {
    body.targets = targets;
  }
  const candidate = { spec_version: 'v1', kind: 'model', ...(meta.success ? meta.data : { name: '' }), policy: body };
  return { candidate, issues, notes, sourcePath: toSource };
}

function toSource(p: Path): Path {
  if (p[0] !== 'policy') return p;
  const rest = p.slice(1);
  if (rest[0] === 'rules' && typeof rest[1] === 'number')
    return ['strategy', 'conditions', rest[1], ...(rest[2] === 'when' ? ['query', ...rest.slice(3)] : [])];
  return rest;
}

export function writePortkey(spec: PolicySpec): { issues: PathIssue[]; text: string } {
  const issues = refusals(spec, 'Portkey');
  const body = spec.policy;
  const out: Record<string, unknown> = {};
  const strategy: Record<string, unknown> = { mode: body.strategy.mode };
  if (body.strategy.on_status_codes) strategy.on_status_codes = body.strategy.on_status_codes;
  out.strategy = strategy;
  if (body.retry) out.retry = body.retry;
  const target = (t: Target, name?: string) => ({
    ...(name ? { name } : {}),
    override_params: { model: t.model_name },
    ...(t.weight !== undefined ? { weight: t.weight } : {}),
  });
  if (body.strategy.mode === 'conditional') {
    const rules = body.rules ?? [];
    const last = rules[rules.length - 1];
    const hasDefault = last !== undefined && Object.keys(last.when).length === 0;
    const conditional = hasDefault ? rules.slice(0, -1) : rules;
    strategy.conditions = conditional.map((r) => ({ query: r.when, then: r.name }));
    if (hasDefault) strategy.default = last.name;
    out.targets = rules.map((r) => target(r.targets[0] as Target, r.name));
  } else {
    out.targets = (body.targets ?? []).map((t) => target(t));
  }
  out[META_KEY] = meta(spec);
  return { issues, text: `${JSON.stringify(out, null, 2)}\n` };
}

export function meta(spec: PolicySpec): Record<string, string> {
  const m: Record<string, string> = { name: spec.name };
  if (spec.description !== undefined) m.description = spec.description;
  if (spec.display_name !== undefined) m.display_name = spec.display_name;
  return m;
}

function refusals(spec: PolicySpec, f: string): PathIssue[] {
  const b = spec.policy;
  const out: PathIssue[] = [];
  if (b.strategy.mode === 'round_robin') out.push(refuse(['policy', 'strategy', 'mode'], f, 'Portkey has no round_robin mode'));
  if (b.guardrails?.length) out.push(refuse(['policy', 'guardrails'], f, 'guardrails are Portkey hooks, not config routing'));
  if (b.budget) out.push(refuse(['policy', 'budget'], f, 'Portkey configs carry no budget'));
  if (b.scope !== undefined) out.push(refuse(['policy', 'scope'], f, 'Portkey configs carry no scope'));
  if (b.enabled !== undefined) out.push(refuse(['policy', 'enabled'], f, 'Portkey configs carry no enable toggle'));
  if (b.strategy.mode !== 'conditional') {
    if (b.rules?.length) out.push(refuse(['policy', 'rules'], f, 'rules only map to mode conditional'));
    return out;
  }
  (b.rules ?? []).forEach((r, i) => {
    const at = ['policy', 'rules', i];
    if (!r.name) out.push(refuse([...at, 'name'], f, 'each rule needs a name (it becomes the target name)'));
    if (r.priority !== undefined) out.push(refuse([...at, 'priority'], f, 'conditions apply in list order; order the rules instead'));
    if (r.strategy || r.retry) out.push(refuse([...at, r.strategy ? 'strategy' : 'retry'], f, 'a condition routes to one target'));
    if (r.targets.length !== 1) out.push(refuse([...at, 'targets'], f, 'a condition routes to one target'));
    if (r.targets[0]?.weight !== undefined) out.push(refuse([...at, 'targets', 0, 'weight'], f, 'a condition target has no weight'));
    for (const path of derivedFieldPaths(r.when, [...at, 'when']))
      out.push(
        refuse(
          path,
          f,
          `${String(path[path.length - 1])} is derived by routelab from the request at routing time; Portkey conditions read metadata and params only`,
        ),
      );
  });
  return out;
}
