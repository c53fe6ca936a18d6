import { checkExhaustive } from '../domain/errors.js';
import type { PolicySpec } from '../domain/policy-spec.js';
import type { Rng } from '../domain/rng.js';
import { compilePolicy, type CompiledPolicy, type PlannedTry, type TargetGroup } from './compiled-policy.js';
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
      return { kind: 'skipped', skipped: 'out_of_scope', reasons: [`policy is scoped to project ${p.scope}; request is from ${String(project ?? 'no project')}`], flagged: false };
    }
  }
  const reasons: string[] = [];
  const gate = applyGates(p, request, state, reasons);
  if (gate.blocked) return { kind: 'blocked', blocked: gate.blocked, reasons, flagged: gate.flagged };
  const group = selectGroup(p, request, reasons);
  if (!group) return { kind: 'skipped', skipped: 'no_rule', reasons, flagged: gate.flagged };
  return { kind: 'route', group, plan: planFor(p, group, state, rng, reasons), reasons, flagged: gate.flagged };
}

/** Guardrails (block wins over flag) then budgets. Shared with distribution(). */
export function applyGates(p: CompiledPolicy, request: RequestContext, state: RouterState, reasons: string[]): { blocked: 'guardrail' | 'budget' | null; flagged: boolean } {
  let flagged = false;
  for (const g of p.guardrails) {
    if (!g.test(request)) continue;
    switch (g.action) {
      case 'block':
        reasons.push(`guardrail ${g.name} blocked the request`);
        return { blocked: 'guardrail', flagged };
      case 'flag':
        reasons.push(`guardrail ${g.name} flagged the request`);
        flagged = true;
        break;
      default:
        checkExhaustive(g.action);
    }
  }
  if (p.budgets.length) {
    const spent = exhaustedBudget(state, p.name, p.budgets, request.timestamp_ms);
    if (spent) {
      reasons.push(`budget ${spent.kind} (${spent.limit} ${spent.period}) is used up`);
      return { blocked: 'budget', flagged };
    }
  }
  return { blocked: null, flagged };
}

/** orq precedence: the policy's own targets bypass rules; else the first rule (by priority) that matches. */
export function selectGroup(p: CompiledPolicy, request: RequestContext, reasons: string[]): TargetGroup | null {
  if (p.main) return p.main;
  for (const rule of p.ruleIndex.candidates(request)) {
    if (rule.test(request)) {
      reasons.push(rule.matchReason);
      return rule.group;
    }
  }
  reasons.push('no rule matched (add a rule with `when: {}` as a catch-all)');
  return null;
}

function planFor(p: CompiledPolicy, g: TargetGroup, state: RouterState, rng: Rng, reasons: string[]): readonly PlannedTry[] {
  switch (g.mode) {
    case 'single':
    case 'fallback':
      return g.fixedPlans[0] as readonly PlannedTry[];
    case 'round_robin': {
      const start = (state.roundRobin.get(roundRobinKey(p.name, g.key)) ?? 0) % g.models.length;
      return g.fixedPlans[start] as readonly PlannedTry[];
    }
    case 'loadbalance':
      return weightedPlan(g, rng, reasons);
    default:
      return checkExhaustive(g.mode);
  }
}

/** A loadbalance plan: first target by weight, each next by weight among those left. */
function weightedPlan(g: TargetGroup, rng: Rng, reasons: string[]): readonly PlannedTry[] {
  if (g.orderTable) {
    const plan = drawOrder(g.orderTable, rng);
    reasons.push(g.drawReason[g.models.indexOf((plan[0] as PlannedTry).model)] as string);
    return plan;
  }
  const order = drawOrderStepwise(g.weights, rng);
  reasons.push(g.drawReason[order[0] as number] as string);
  return order.map((idx, step) => (step === 0 ? g.firstTry : g.nextTry)[idx] as PlannedTry);
}
