import { stringify } from 'yaml';
import type { PolicySpec, Target } from '../../domain/policy-spec.js';
import type { PathIssue } from '../request-context.js';
import { isRecord, Meta, META_KEY, refuse, refuseUnknownKeys, type Converted, type Path, type ReadOptions } from './format.js';
import { meta } from './portkey.js';

/**
 * LiteLLM router config (YAML): `model_list[]` entries (`model_name` = the group, `litellm_params.
 * model` and `weight`), `router_settings.{num_retries, fallbacks, routing_strategy}`.
 * One group of several deployments ↔ loadbalance (simple-shuffle by weight); groups chained by
 * `fallbacks: [{first: [second, ...]}]` ↔ fallback; one deployment ↔ single. LiteLLM retries and
 * falls back by exception class, not by status code, so status-code lists do not map either way.
 */
const WHY = 'routelab reads model_list and router_settings (num_retries, fallbacks, routing_strategy)';
const PARAM_KEYS = ['model', 'weight', 'api_base', 'api_key', 'rpm', 'tpm'];

export function readLitellm(value: unknown, opts: ReadOptions): Converted {
  const issues: PathIssue[] = [];
  const notes: string[] = [];
  const src = isRecord(value) ? value : {};
  refuseUnknownKeys(src, ['model_list', 'router_settings', META_KEY], [], issues, WHY);
  const settings = isRecord(src.router_settings) ? src.router_settings : {};
  refuseUnknownKeys(settings, ['num_retries', 'fallbacks', 'routing_strategy'], ['router_settings'], issues, WHY);
  if (settings.routing_strategy !== undefined && settings.routing_strategy !== 'simple-shuffle') {
    issues.push({
      path: ['router_settings', 'routing_strategy'],
      message: `${String(settings.routing_strategy)} is not supported: only simple-shuffle (weighted) replays deterministically`,
    });
  }
  const groups = new Map<string, Array<{ target: Target; index: number }>>();
  const list = Array.isArray(src.model_list) ? src.model_list : [];
  list.forEach((entry, i) => {
    const at: Path = ['model_list', i];
    if (
      !isRecord(entry) ||
      typeof entry.model_name !== 'string' ||
      !isRecord(entry.litellm_params) ||
      typeof entry.litellm_params.model !== 'string'
    ) {
      issues.push({ path: at, message: 'each entry needs model_name and litellm_params.model' });
      return;
    }
    refuseUnknownKeys(entry, ['model_name', 'litellm_params', 'model_info'], at, issues, WHY);
    const params = entry.litellm_params;
    refuseUnknownKeys(params, PARAM_KEYS, [...at, 'litellm_params'], issues, WHY);
    if (typeof params.api_key === 'string' && !params.api_key.startsWith('os.environ/')) {
      issues.push({
        path: [...at, 'litellm_params', 'api_key'],
        message: 'a literal API key is refused: secrets are never stored (use os.environ/NAME and the model catalog)',
      });
    }
    for (const k of ['api_base', 'api_key', 'rpm', 'tpm', 'model_info']) {
      if (params[k] !== undefined || (k === 'model_info' && entry.model_info !== undefined))
        notes.push(`model_list[${i}] ${k} is not kept: endpoints and limits come from the model catalog`);
    }
    const target: Target = { model_name: params.model as string };
    if (params.weight !== undefined) target.weight = params.weight as number;
    const g = groups.get(entry.model_name) ?? [];
    g.push({ target, index: i });
    groups.set(entry.model_name, g);
  });

  const names = [...groups.keys()];
  const chain = fallbackChain(settings.fallbacks, groups, issues);
  const body: Record<string, unknown> = {};
  const first = names[0];
  let targets: Target[] = [];
  if (chain) {
    targets = chain.map((g) => groups.get(g)?.[0]?.target).filter((t): t is Target => t !== undefined);
    body.strategy = { mode: 'fallback' };
  } else if (first !== undefined) {
    if (names.length > 1)
      issues.push({
        path: ['model_list'],
        message: `${names.length} model groups but no fallbacks linking them: routelab reads one group (loadbalance) or a fallback chain`,
      });
    targets = (groups.get(first) ?? []).map((e) => e.target);
    body.strategy = { mode: targets.length > 1 || settings.routing_strategy === 'simple-shuffle' ? 'loadbalance' : 'single' };
  } else {
    issues.push({ path: ['model_list'], message: 'model_list is empty' });
    body.strategy = { mode: 'single' };
  }
  if (settings.num_retries !== undefined) body.retry = { attempts: settings.num_retries };
  body.targets = targets;
  const metaValue = src[META_KEY] ?? { name: opts.name ?? first ?? '' };
  const m = Meta.safeParse(metaValue);
  if (!m.success) issues.push({ path: [META_KEY], message: 'no policy name: pass --name' });
  const candidate = { spec_version: 'v1', kind: 'model', ...(m.success ? m.data : { name: '' }), policy: body };
  // Spec targets come from model_list entries; point errors there.
  const sourcePath = (p: Path): Path => {
    if (p[1] === 'targets' && typeof p[2] === 'number') {
      const t = targets[p[2]];
      for (const g of groups.values())
        for (const e of g)
          if (e.target === t) return ['model_list', e.index, 'litellm_params', ...(p[3] === 'weight' ? ['weight'] : ['model'])];
    }
    if (p[1] === 'retry') return ['router_settings', 'num_retries'];
    return p.length > 1 ? ['model_list'] : [];
  };
  return { candidate, issues, notes, sourcePath };
}

function fallbackChain(fallbacks: unknown, groups: Map<string, unknown[]>, issues: PathIssue[]): string[] | null {
  if (fallbacks === undefined) return null;
  const at: Path = ['router_settings', 'fallbacks'];
  if (!Array.isArray(fallbacks) || fallbacks.length !== 1 || !isRecord(fallbacks[0]) || Object.keys(fallbacks[0]).length !== 1) {
    issues.push({ path: at, message: 'routelab reads one fallback chain: [{first: [second, ...]}]' });
    return null;
  }
  const [head, rest] = Object.entries(fallbacks[0])[0] as [string, unknown];
  if (!Array.isArray(rest) || !rest.every((r) => typeof r === 'string')) {
    issues.push({ path: [...at, 0, head], message: 'the fallback list is a list of model group names' });
    return null;
  }
  const chain = [head, ...(rest as string[])];
  for (const g of chain) {
    if (!groups.has(g)) issues.push({ path: [...at, 0, head], message: `no model group named ${g} in model_list` });
    else if ((groups.get(g)?.length ?? 0) > 1)
      issues.push({ path: [...at, 0, head], message: `group ${g} has several deployments: a fallback step is one model` });
  }
  return chain;
}

export function writeLitellm(spec: PolicySpec): { issues: PathIssue[]; text: string } {
  const b = spec.policy;
  const f = 'LiteLLM';
  const issues: PathIssue[] = [];
  const mode = b.strategy.mode;
  if (mode === 'round_robin' || mode === 'conditional')
    issues.push(refuse(['policy', 'strategy', 'mode'], f, `LiteLLM router config has no ${mode} mode`));
  if (b.strategy.on_status_codes)
    issues.push(
      refuse(
        ['policy', 'strategy', 'on_status_codes'],
        f,
        'LiteLLM falls back by exception class, not status code; remove it to fall back on any error',
      ),
    );
  if (b.retry?.on_status_codes)
    issues.push(
      refuse(
        ['policy', 'retry', 'on_status_codes'],
        f,
        'LiteLLM retries by exception class, not status code; remove it to retry on 429/5xx',
      ),
    );
  if (b.rules?.length) issues.push(refuse(['policy', 'rules'], f, 'LiteLLM router config has no conditional rules'));
  if (b.guardrails?.length) issues.push(refuse(['policy', 'guardrails'], f, 'guardrails are not router config'));
  if (b.budget) issues.push(refuse(['policy', 'budget'], f, 'budgets are per key/team in LiteLLM, not router config'));
  if (b.scope !== undefined) issues.push(refuse(['policy', 'scope'], f, 'no scope in router config'));
  if (b.enabled !== undefined) issues.push(refuse(['policy', 'enabled'], f, 'no enable toggle in router config'));
  const targets = b.targets ?? [];
  if (mode !== 'loadbalance')
    targets.forEach(
      (t, i) =>
        t.weight !== undefined &&
        issues.push(refuse(['policy', 'targets', i, 'weight'], f, 'weights only apply within one loadbalanced group')),
    );
  const entry = (group: string, t: Target) => ({
    model_name: group,
    litellm_params: { model: t.model_name, ...(t.weight !== undefined ? { weight: t.weight } : {}) },
  });
  const out: Record<string, unknown> = {};
  const settings: Record<string, unknown> = {};
  if (mode === 'fallback') {
    out.model_list = targets.map((t) => entry(t.model_name, t));
    settings.fallbacks = [{ [targets[0]?.model_name ?? spec.name]: targets.slice(1).map((t) => t.model_name) }];
  } else {
    out.model_list = targets.map((t) => entry(spec.name, t));
    if (mode === 'loadbalance') settings.routing_strategy = 'simple-shuffle';
  }
  if (b.retry?.attempts !== undefined) settings.num_retries = b.retry.attempts;
  if (Object.keys(settings).length) out.router_settings = settings;
  out[META_KEY] = meta(spec);
  return { issues, text: stringify(out, { lineWidth: 0 }) };
}
