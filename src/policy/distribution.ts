import { checkExhaustive } from '../domain/errors.js';
import type { PolicySpec } from '../domain/policy-spec.js';
import type { Attempt } from '../domain/run.js';
import { compilePolicy, isSuccess, movesOn, type TargetGroup } from './compiled-policy.js';
import { applyGates, selectRoute } from './decide.js';
import type { RequestContext } from './request-context.js';
import { createRouterState, roundRobinKey, type RouterState } from './router-state.js';

export type PathProbability = {
  p: number;
  attempts: Attempt[];
  served: string | null;
  blocked: 'guardrail' | 'budget' | null;
  flagged: boolean;
};

export type OutcomeDistribution = (model: string) => ReadonlyArray<{ status: number; p: number }>;

/**
 * Paths multiply with retries when outcomes are random (each try of each model branches on its
 * statuses); recorded outcomes (one status, p = 1) give at most one path per target order. Past
 * this many paths the request is refused rather than exhausting memory.
 */
export const MAX_PATHS = 100_000;

/**
 * The exact routing distribution for one request: every attempt path with its probability, given
 * each model's status distribution (each try draws independently). Used by counterfactual
 * evaluation instead of one random draw. Probabilities sum to 1 (each model's outcome list is
 * normalised; an empty list counts as status 0). The state is only read: round robin starts at the
 * current pointer, an exhausted budget blocks with p = 1. Paths of probability 0 are left out.
 */
export function distribution(
  spec: PolicySpec,
  request: RequestContext,
  outcomeOf: OutcomeDistribution,
  state: RouterState = createRouterState(),
): PathProbability[] {
  const p = compilePolicy(spec);
  const whole = (extra: Partial<PathProbability>): PathProbability[] => [
    { p: 1, attempts: [], served: null, blocked: null, flagged: false, ...extra },
  ];
  if (!p.enabled) return whole({});
  if (p.scope !== null && (request.project ?? request.metadata.project) !== p.scope) return whole({});
  const gate = applyGates(p, request, state);
  if (gate.blocked) return whole({ blocked: gate.blocked, flagged: gate.flagged });
  const g = selectRoute(p, request)?.group;
  if (!g) return whole({ flagged: gate.flagged });

  const outcomes = new Map<string, Array<{ status: number; p: number }>>();
  const outcomesFor = (model: string) => {
    let list = outcomes.get(model);
    if (!list) {
      list = normalise(outcomeOf(model));
      outcomes.set(model, list);
    }
    return list;
  };
  const paths: PathProbability[] = [];
  const rrStart = g.mode === 'round_robin' ? (state.roundRobin.get(roundRobinKey(p.name, g.key)) ?? 0) % g.models.length : 0;
  const firstReason = g.rule === null ? null : `rule:${g.rule}`;

  const emit = (path: PathProbability) => {
    if (paths.length >= MAX_PATHS)
      throw new RangeError(
        `more than ${MAX_PATHS} routing paths for one request: too many random outcomes × retries × targets to enumerate`,
      );
    paths.push(path);
  };
  const tryTarget = (idx: number, tried: readonly number[], reason: string, tryNo: number, attempts: Attempt[], prob: number): void => {
    const model = g.models[idx] as string;
    for (const o of outcomesFor(model)) {
      const q = prob * o.p;
      if (q === 0) continue;
      const next = [...attempts, { model, status: o.status, reason: tryNo === 0 ? reason : 'retry' }];
      if (isSuccess(o.status)) {
        emit({ p: q, attempts: next, served: model, blocked: null, flagged: gate.flagged });
      } else if (tryNo < g.retryAttempts && g.retryOn.has(o.status)) {
        tryTarget(idx, tried, reason, tryNo + 1, next, q);
      } else if (movesOn(g.moveOn, o.status) && tried.length < g.models.length) {
        for (const c of nextCandidates(g, tried, rrStart)) tryTarget(c.idx, [...tried, c.idx], c.reason, 0, next, q * c.p);
      } else {
        emit({ p: q, attempts: next, served: null, blocked: null, flagged: gate.flagged });
      }
    }
  };
  for (const c of firstCandidates(g, rrStart, firstReason)) tryTarget(c.idx, [c.idx], c.reason, 0, [], c.p);
  return paths;
}

interface Candidate {
  idx: number;
  p: number;
  reason: string;
}

function firstCandidates(g: TargetGroup, rrStart: number, firstReason: string | null): Candidate[] {
  switch (g.mode) {
    case 'single':
    case 'fallback':
      return [{ idx: 0, p: 1, reason: firstReason ?? 'primary' }];
    case 'round_robin':
      return [{ idx: rrStart, p: 1, reason: 'round_robin' }];
    case 'loadbalance':
      return g.weights.map((w, idx) => ({ idx, p: w, reason: 'drawn' }));
    default:
      return checkExhaustive(g.mode);
  }
}

/** Who is tried after `tried` failed with a strategy code. */
function nextCandidates(g: TargetGroup, tried: readonly number[], rrStart: number): Candidate[] {
  const n = g.models.length;
  switch (g.mode) {
    case 'single':
      return [];
    case 'fallback':
      return [{ idx: tried.length, p: 1, reason: 'fallback' }];
    case 'round_robin':
      return [{ idx: (rrStart + tried.length) % n, p: 1, reason: 'round_robin' }];
    case 'loadbalance': {
      let mass = 0;
      for (let i = 0; i < n; i++) if (!tried.includes(i)) mass += g.weights[i] as number;
      const out: Candidate[] = [];
      for (let i = 0; i < n; i++) if (!tried.includes(i)) out.push({ idx: i, p: (g.weights[i] as number) / mass, reason: 'redraw' });
      return out;
    }
    default:
      return checkExhaustive(g.mode);
  }
}

function normalise(list: ReadonlyArray<{ status: number; p: number }>): Array<{ status: number; p: number }> {
  const total = list.reduce((a, o) => a + (o.p > 0 ? o.p : 0), 0);
  if (!(total > 0)) return [{ status: 0, p: 1 }];
  return list.filter((o) => o.p > 0).map((o) => ({ status: o.status, p: o.p / total }));
}
