import { checkExhaustive } from '../domain/errors.js';
import type { PolicySpec } from '../domain/policy-spec.js';
import type { Rng } from '../domain/rng.js';
import {
  compilePolicy,
  type CompiledGuardrail,
  type CompiledPolicy,
  type PlannedTry,
  type Route,
  type TargetGroup,
} from './compiled-policy.js';
import type { RequestContext } from './request-context.js';
import { exhaustedBudget, roundRobinKey, type RouterState } from './router-state.js';
import { drawOrder, drawOrderStepwise } from './weighted-orders.js';

export type { PlannedTry };

export type SkipReason = 'disabled' | 'out_of_scope' | 'no_rule';

export type Decision =
  | {
      kind: 'route';
      /** The group routed through (the policy's own targets, or the matched rule's). */
      group: TargetGroup;
      /** Targets in the order they would be tried; later ones only on a strategy status code. */
      plan: readonly PlannedTry[];
      reasons: string[];
      flagged: boolean;
    }
  | { kind: 'blocked'; blocked: 'guardrail' | 'budget'; reasons: string[]; flagged: boolean }
  | { kind: 'skipped'; skipped: SkipReason; reasons: string[]; flagged: boolean };

/**
 * The pure router: policy, request, state (read only here) and a seeded rng → the attempt plan and
 * why. Order of precedence: enabled → scope → guardrails → budgets → the policy's targets, else the
 * highest-priority matching rule. A loadbalance plan is drawn whole up front (first by weight, then
 * each next by weight among those left), which is the same as redrawing after each failure.
 */
export function decide(spec: PolicySpec, request: RequestContext, state: RouterState, rng: Rng): Decision {
  const p = compilePolicy(spec);
  if (!p.enabled) return { kind: 'skipped', skipped: 'disabled', reasons: ['policy is disabled (enabled: false)'], flagged: false };
  if (p.scope !== null) {
    const project = request.project ?? request.metadata.project;
    if (project !== p.scope) {
      return {
        kind: 'skipped',
        skipped: 'out_of_scope',
        reasons: [`policy is scoped to project ${p.scope}; request is from ${String(project ?? 'no project')}`],
        flagged: false,
      };
    }
  }
  const gate = applyGates(p, request, state);
  if (gate.blocked) return { kind: 'blocked', blocked: gate.blocked, reasons: [...gate.reasons], flagged: gate.flagged };
  const route = selectRoute(p, request);
  if (!route) return { kind: 'skipped', skipped: 'no_rule', reasons: [...gate.reasons, NO_RULE], flagged: gate.flagged };
  const g = route.group;
  let plan: readonly PlannedTry[];
  let drew: string | null = null;
  switch (g.mode) {
    case 'single':
    case 'fallback':
      plan = g.fixedPlans[0] as readonly PlannedTry[];
      break;
    case 'round_robin':
      plan = g.fixedPlans[(state.roundRobin.get(roundRobinKey(p.name, g.key)) ?? 0) % g.models.length] as readonly PlannedTry[];
      break;
    case 'loadbalance':
      if (g.orderTable) {
        const k = drawOrder(g.orderTable, rng);
        plan = g.orderTable.orders[k] as readonly PlannedTry[];
        drew = g.orderReasons[k] as string;
      } else {
        const order = drawOrderStepwise(g.weights, rng);
        plan = order.map((idx, step) => (step === 0 ? g.firstTry : g.nextTry)[idx] as PlannedTry);
        drew = g.drawReason[order[0] as number] as string;
      }
      break;
    default:
      return checkExhaustive(g.mode);
  }
  return { kind: 'route', group: g, plan, reasons: reasonList(gate.reasons, route.matchReason, drew), flagged: gate.flagged };
}

/** An exact-size array literal: growing an empty array by push costs more than the rest of a decision. */
function reasonList(before: readonly string[], matched: string | null, drew: string | null): string[] {
  if (before.length) return [...before, ...(matched === null ? [] : [matched]), ...(drew === null ? [] : [drew])];
  if (matched === null) return drew === null ? [] : [drew];
  return drew === null ? [matched] : [matched, drew];
}

const NO_RULE = 'no rule matched (add a rule with `when: {}` as a catch-all)';

/** Guardrails (block wins over flag) then budgets. Shared with distribution(). */
export interface GateResult {
  readonly blocked: 'guardrail' | 'budget' | null;
  readonly flagged: boolean;
  readonly reasons: readonly string[];
}
// The common outcome is shared: the hot path allocates nothing here.
const NONE: readonly CompiledGuardrail[] = [];
const PASS: GateResult = Object.freeze({ blocked: null, flagged: false, reasons: Object.freeze([]) });

export function applyGates(p: CompiledPolicy, request: RequestContext, state: RouterState): GateResult {
  let reasons: string[] | null = null;
  // One call answers the common case, no guardrail matching; the loop below runs only when one does.
  const guardrails = p.anyGuardrail(request) < 0 ? NONE : p.guardrails;
  for (const g of guardrails) {
    if (!g.test(request)) continue;
    reasons ??= [];
    switch (g.action) {
      case 'block':
        reasons.push(`guardrail ${g.name} blocked the request`);
        return { blocked: 'guardrail', flagged: reasons.length > 1, reasons };
      case 'flag':
        reasons.push(`guardrail ${g.name} flagged the request`);
        break;
      default:
        checkExhaustive(g.action);
    }
  }
  const flagged = reasons !== null;
  if (p.budgets.length) {
    const spent = exhaustedBudget(state, p.name, p.budgets, request.timestamp_ms);
    if (spent)
      return {
        blocked: 'budget',
        flagged,
        reasons: [...(reasons ?? []), `budget ${spent.kind} (${spent.limit} ${spent.period}) is used up`],
      };
  }
  return reasons ? { blocked: null, flagged, reasons } : PASS;
}

/** orq precedence: the policy's own targets bypass rules; else the first rule (by priority) that matches. */
export function selectRoute(p: CompiledPolicy, request: RequestContext): Route | null {
  // A learned scorer picks for every request whose text the router derived; the rest route as before.
  if (p.scorer && request.input) return p.scorer.routes[p.scorer.scorer.choose(request)] ?? null;
  if (p.main) return p.mainRoute;
  return p.ruleIndex.firstMatch(request);
}
