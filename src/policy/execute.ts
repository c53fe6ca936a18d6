import type { PolicySpec } from '../domain/policy-spec.js';
import type { Rng } from '../domain/rng.js';
import type { Attempt } from '../domain/run.js';
import { compilePolicy, isSuccess, movesOn } from './compiled-policy.js';
import { decide, type SkipReason } from './decide.js';
import type { RequestContext } from './request-context.js';
import { roundRobinKey, type RouterState } from './router-state.js';

export type Execution = {
  attempts: Attempt[];
  served: string | null;
  blocked: 'guardrail' | 'budget' | null;
  flagged: boolean;
  reasons: string[];
  /** Set when the policy did not route at all: disabled, out of scope, or no rule matched. */
  skipped?: SkipReason;
};

/**
 * Run a decision against an outcome function (HTTP status per try; `attemptNo` is the 0-based
 * position in this request's attempt list). A try is retried while its status is in
 * `retry.on_status_codes` and retries are left; then a strategy status hands over to the next
 * planned target; any other failure ends the request. Advances the round-robin pointer (one step
 * per request); budgets are charged by the caller through recordUsage().
 */
export function execute(
  spec: PolicySpec,
  request: RequestContext,
  state: RouterState,
  rng: Rng,
  outcomeOf: (model: string, attemptNo: number) => number,
): Execution {
  const d = decide(spec, request, state, rng);
  if (d.kind === 'blocked') return { attempts: [], served: null, blocked: d.blocked, flagged: d.flagged, reasons: d.reasons };
  if (d.kind === 'skipped')
    return { attempts: [], served: null, blocked: null, flagged: d.flagged, reasons: d.reasons, skipped: d.skipped };
  const g = d.group;
  if (g.mode === 'round_robin') {
    const key = roundRobinKey(compilePolicy(spec).name, g.key);
    state.roundRobin.set(key, ((state.roundRobin.get(key) ?? 0) + 1) % g.models.length);
  }
  const attempts: Attempt[] = [];
  for (const planned of d.plan) {
    let status = 0;
    for (let t = 0; t < planned.max_tries; t++) {
      status = outcomeOf(planned.model, attempts.length);
      attempts.push({ model: planned.model, status, reason: t === 0 ? planned.reason : 'retry' });
      if (isSuccess(status)) {
        return { attempts, served: planned.model, blocked: null, flagged: d.flagged, reasons: d.reasons };
      }
      if (!g.retryOn.has(status)) break;
    }
    if (!movesOn(g.moveOn, status)) {
      d.reasons.push(`${planned.model} returned ${status}; not a strategy code, stopping`);
      return { attempts, served: null, blocked: null, flagged: d.flagged, reasons: d.reasons };
    }
  }
  d.reasons.push('every target failed');
  return { attempts, served: null, blocked: null, flagged: d.flagged, reasons: d.reasons };
}
