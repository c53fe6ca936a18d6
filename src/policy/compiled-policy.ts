import type { BudgetKind, BudgetPeriod, GuardrailAction, PolicySpec, Retry, Strategy, Target } from '../domain/policy-spec.js';
import type { PathIssue } from './request-context.js';
import { compileScorer, type CompiledScorer } from './compiled-scorer.js';
import type { Scorer } from '../domain/scorer-spec.js';
import { compileCondition, compileFirstMatch, type Predicate } from './condition.js';
import type { RequestContext } from './request-context.js';
import { buildRuleIndex, type RuleIndex } from './rule-index.js';
import { enumerateOrders, MAX_ENUMERATED_TARGETS, type OrderTable } from './weighted-orders.js';
import { normalizedWeights } from './weights.js';

/**
 * A spec compiled once for the hot path: conditions become closures, weights become cumulative
 * tables, status-code lists become sets. Cached per spec object (a WeakMap), so callers just pass
 * the spec; a spec must not be mutated after its first use by the router.
 */

/** Portkey's documented default when `retry.on_status_codes` is absent; watsonx mirrors Portkey. */
export const DEFAULT_RETRY_CODES: readonly number[] = [429, 500, 502, 503, 504];

export type TargetMode = 'loadbalance' | 'fallback' | 'single' | 'round_robin';

/** When a failed target hands over to the next: listed codes, any non-2xx, or never. */
export type MoveOn = ReadonlySet<number> | 'any_error' | null;

export interface TargetGroup {
  /** Round-robin pointer key inside the router state. */
  key: string;
  /** The rule that owns the group, or null for the policy's own targets. */
  rule: string | null;
  mode: TargetMode;
  models: readonly string[];
  weights: readonly number[];
  cumulative: readonly number[];
  retryAttempts: number;
  retryOn: ReadonlySet<number>;
  moveOn: MoveOn;
  /** Precomputed plan entries and reasons, so a decision allocates little on the hot path. */
  firstTry: readonly PlannedTry[];
  nextTry: readonly PlannedTry[];
  drawReason: readonly string[];
  /** fallback/single: the whole plan; round_robin: one plan per starting pointer. */
  fixedPlans: ReadonlyArray<readonly PlannedTry[]>;
  /** loadbalance: every plan with its probability (null when there are too many targets). */
  orderTable: OrderTable<PlannedTry> | null;
  /** The draw reason of each plan in orderTable. */
  orderReasons: readonly string[];
}

/** One target in an attempt plan: tried up to `max_tries` times (1 + retries). */
export interface PlannedTry {
  readonly model: string;
  /** Why this target is tried: `drawn`, `rule:<name>`, `primary`, `fallback`, `redraw`, `round_robin`. */
  readonly reason: string;
  readonly max_tries: number;
}

/** Where a request goes: a target group and why (null for the policy's own targets). */
export interface Route {
  group: TargetGroup;
  matchReason: string | null;
}

export interface CompiledRule extends Route {
  name: string;
  test: Predicate;
  matchReason: string;
}

export interface CompiledGuardrail {
  name: string;
  test: Predicate;
  action: GuardrailAction;
}

export interface CompiledBudget {
  kind: BudgetKind;
  limit: number;
  period: BudgetPeriod;
}

export interface CompiledPolicy {
  name: string;
  enabled: boolean;
  /** null = global. */
  scope: string | null;
  guardrails: readonly CompiledGuardrail[];
  /** Index of the first guardrail whose condition holds, or -1 (one generated function). */
  anyGuardrail: (request: RequestContext) => number;
  budgets: readonly CompiledBudget[];
  /** The policy's own targets; when present, rules are bypassed (orq precedence). */
  main: TargetGroup | null;
  mainRoute: Route | null;
  /** Highest priority first; ties keep document order. */
  rules: readonly CompiledRule[];
  /** The rules worth testing for a request, in the same order. */
  ruleIndex: RuleIndex<CompiledRule>;
  /** The learned scorer and one single-target route per scored model (it picks before main/rules). */
  scorer: { scorer: CompiledScorer; routes: readonly Route[] } | null;
}

const cache = new WeakMap<PolicySpec, CompiledPolicy>();

export function compilePolicy(spec: PolicySpec): CompiledPolicy {
  let compiled = cache.get(spec);
  if (!compiled) {
    compiled = build(spec);
    cache.set(spec, compiled);
  }
  return compiled;
}

function build(spec: PolicySpec): CompiledPolicy {
  const body = spec.policy;
  // Issues were reported by validation; here a broken condition simply never matches.
  const ignored: PathIssue[] = [];
  const targets = body.targets ?? [];
  const main = targets.length ? group('main', null, body.strategy, body.retry, targets) : null;
  const sorted = (body.rules ?? [])
    .map((rule, i) => ({
      priority: rule.priority ?? 0,
      index: i,
      when: rule.when,
      compiled: {
        name: ruleName(rule.name, i),
        test: compileCondition(rule.when, [], ignored),
        group: group(`rule:${i}`, ruleName(rule.name, i), rule.strategy ?? { mode: 'fallback' }, rule.retry ?? body.retry, rule.targets),
        matchReason: `rule ${ruleName(rule.name, i)} matched`,
      },
    }))
    .sort((a, b) => b.priority - a.priority || a.index - b.index);
  const rules = sorted.map((r) => r.compiled);
  const guardrails = (body.guardrails ?? []).map((g, i) => ({
    name: g.name ?? `guardrails[${i}]`,
    test: compileCondition(g.when, [], ignored),
    action: g.action,
  }));
  const budgets: CompiledBudget[] = [];
  for (const kind of ['max_spend_usd', 'max_tokens', 'max_requests'] as const) {
    const limit = body.budget?.[kind];
    if (limit) budgets.push({ kind, limit: limit.limit, period: limit.period });
  }
  return {
    name: spec.name,
    enabled: body.enabled !== false,
    scope: body.scope && body.scope !== 'global' ? body.scope : null,
    guardrails,
    anyGuardrail: compileFirstMatch((body.guardrails ?? []).map((g) => g.when)),
    budgets,
    main,
    mainRoute: main ? { group: main, matchReason: null } : null,
    rules,
    ruleIndex: buildRuleIndex(sorted),
    scorer: body.scorer
      ? {
          scorer: compileScorer(body.scorer),
          routes: scorerRoutes(body.scorer, body.retry),
        }
      : null,
  };
}

/**
 * One route per model the scorer can choose; with a boundary mix, one per (choice at λ, choice at the
 * mix's price): the same model is a single target, two models a loadbalance drawn by the mix weight.
 */
function scorerRoutes(scorer: Scorer, retry: Retry | undefined): Route[] {
  const names = scorer.models.map((m) => m.model_name);
  const single = (i: number): Route => ({
    group: group(`scorer:${i}`, null, { mode: 'single' }, retry, [{ model_name: names[i] as string }]),
    matchReason: `scorer chose ${names[i]}`,
  });
  if (!scorer.mix) return names.map((_, i) => single(i));
  const w = scorer.mix.weight;
  const routes: Route[] = [];
  for (let a = 0; a < names.length; a++)
    for (let b = 0; b < names.length; b++)
      routes.push(
        a === b
          ? single(a)
          : {
              group: group(`scorer:${a}:${b}`, null, { mode: 'loadbalance' }, retry, [
                { model_name: names[a] as string, weight: 1 - w },
                { model_name: names[b] as string, weight: w },
              ]),
              matchReason: `scorer chose ${names[a]} (at the boundary mix's price, ${names[b]})`,
            },
      );
  return routes;
}

export function ruleName(name: string | undefined, index: number): string {
  return name ?? `rules[${index}]`;
}

function group(key: string, rule: string | null, strategy: Strategy, retry: Retry | undefined, targets: readonly Target[]): TargetGroup {
  // `conditional` is rejected on target lists by validation; treat it as fallback if it slips through.
  const mode: TargetMode = strategy.mode === 'conditional' ? 'fallback' : strategy.mode;
  const weights = normalizedWeights(targets);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) cumulative.push((acc += w));
  const codes = strategy.on_status_codes;
  let moveOn: MoveOn = null;
  if (mode !== 'single') {
    if (codes && codes.length) moveOn = new Set(codes);
    else if (mode === 'fallback') moveOn = 'any_error';
  }
  const models = targets.map((t) => t.model_name);
  const maxTries = 1 + (retry?.attempts ?? 0);
  const entry = (model: string, reason: string): PlannedTry => Object.freeze({ model, reason, max_tries: maxTries });
  const firstReason = rule === null ? null : `rule:${rule}`;
  const firstLabel = mode === 'loadbalance' ? 'drawn' : mode === 'round_robin' ? 'round_robin' : (firstReason ?? 'primary');
  const nextLabel = mode === 'loadbalance' ? 'redraw' : mode === 'round_robin' ? 'round_robin' : 'fallback';
  const firstTry = models.map((m) => entry(m, firstLabel));
  const nextTry = models.map((m) => entry(m, nextLabel));
  // Only targets a strategy code can reach are planned: without one, the first target is all.
  const reach = moveOn === null ? 1 : models.length;
  const rotation = (start: number) =>
    Object.freeze(Array.from({ length: reach }, (_, i) => (i === 0 ? firstTry : nextTry)[(start + i) % models.length] as PlannedTry));
  const drawReason = models.map((m, i) => `drew ${m} (weight ${Math.round((weights[i] as number) * 1000) / 1000})`);
  const orderTable =
    mode === 'loadbalance' && (moveOn === null || models.length <= MAX_ENUMERATED_TARGETS)
      ? enumerateOrders(weights, moveOn === null, (idx, step) => (step === 0 ? firstTry : nextTry)[idx] as PlannedTry)
      : null;
  const fixedPlans = mode === 'round_robin' ? models.map((_, start) => rotation(start)) : mode === 'loadbalance' ? [] : [rotation(0)];
  return {
    key,
    rule,
    mode,
    models,
    weights,
    cumulative,
    retryAttempts: maxTries - 1,
    retryOn: new Set(retry?.on_status_codes?.length ? retry.on_status_codes : DEFAULT_RETRY_CODES),
    moveOn,
    firstTry,
    nextTry,
    drawReason,
    fixedPlans,
    orderTable,
    orderReasons: orderTable ? orderTable.orders.map((o) => drawReason[models.indexOf((o[0] as PlannedTry).model)] as string) : [],
  };
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

export function movesOn(moveOn: MoveOn, status: number): boolean {
  if (moveOn === null) return false;
  if (moveOn === 'any_error') return !isSuccess(status);
  return moveOn.has(status);
}

/** Most attempts one request can make in a group: every target, each with all its retries. */
export function maxAttempts(g: TargetGroup): number {
  const targetsTried = g.moveOn === null ? 1 : g.models.length;
  return targetsTried * (1 + g.retryAttempts);
}
