import { checkExhaustive } from '../domain/errors.js';
import type { PolicySpec } from '../domain/policy-spec.js';
import type { Rng } from '../domain/rng.js';
import { compilePolicy, type CompiledPolicy, type PlannedTry, type TargetGroup } from './compiled-policy.js';
import type { RequestContext } from './request-context.js';
import { exhaustedBudget, roundRobinKey, type RouterState } from './router-state.js';

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

/**
 * A loadbalance plan: the first target drawn by weight, each next one by weight among those left —
 * the same as redrawing after each failure. One uniform usually drives the whole order: what is
 * left of it after a pick, rescaled, is again uniform and independent of the pick, so it draws the
 * next; a fresh uniform is taken once fewer than 16 bits of resolution remain.
 */
function weightedPlan(g: TargetGroup, rng: Rng, reasons: string[]): PlannedTry[] {
  const n = g.models.length;
  const w = g.weights;
  let u = rng.next();
  let scale = 1;
  let first = n - 1;
  for (let i = 0; i < n - 1; i++) {
    if (u < (g.cumulative[i] as number)) {
      first = i;
      break;
    }
  }
  reasons.push(g.drawReason[first] as string);
  const plan: PlannedTry[] = [g.firstTry[first] as PlannedTry];
  if (g.moveOn === null || n === 1) return plan;
  const firstW = w[first] as number;
  u = residual(u - ((g.cumulative[first] as number) - firstW), firstW);
  scale *= firstW;
  let taken = 1 << first;
  let mass = 1 - firstW;
  for (let step = 1; step < n; step++) {
    if (scale < MIN_SCALE) {
      u = rng.next();
      scale = 1;
    }
    let pick = -1;
    let before = 0;
    const target = u * mass;
    for (let j = 0; j < n; j++) {
      if (taken & (1 << j)) continue;
      pick = j;
      const wj = w[j] as number;
      if (target < before + wj) break;
      before += wj;
    }
    const wp = w[pick] as number;
    plan.push(g.nextTry[pick] as PlannedTry);
    u = residual(target - before, wp);
    scale *= wp / mass;
    taken |= 1 << pick;
    mass -= wp;
  }
  return plan;
}

/** What is left of a uniform after a pick of width `width`, back in [0, 1) despite rounding. */
function residual(offset: number, width: number): number {
  return Math.min(Math.max(offset / width, 0), 1 - 2 ** -40);
}

/** rng.next() carries 32 bits; keep at least 16 of them for each draw. */
const MIN_SCALE = 2 ** -16;
