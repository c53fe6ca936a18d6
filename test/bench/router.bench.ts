import type { PolicySpec } from '../../src/domain/policy-spec.js';
import { createRng } from '../../src/domain/rng.js';
import { createRouterState, decide, type Decision, type RequestContext } from '../../src/policy/index.js';
import { opsPerSecond, result, type BenchResult } from './harness.js';

/**
 * Decisions per second of the real router on a 5-target weighted policy with 10 rules, guardrails
 * and retries, against a trivial router (always the first target) measured in the same run.
 * Targets: ratio ≤ 3 and under 2 µs per decision.
 */
const INTENTS = ['code', 'chat', 'search', 'summarise', 'translate', 'math', 'legal', 'support'];
const WEIGHTS = [0.4, 0.25, 0.15, 0.1, 0.1];
const targets = (i: number) => WEIGHTS.map((weight, k) => ({ model_name: `provider/model-${(i + k) % 7}`, weight }));
const rule = (name: string, when: Record<string, unknown>, i: number, priority?: number) => ({
  name,
  ...(priority !== undefined ? { priority } : {}),
  when,
  strategy: { mode: 'loadbalance' as const, on_status_codes: [500, 502, 503, 504] },
  targets: targets(i),
});

/**
 * Ten rules in the router-policy seed's style ("intent=code → …", "intent=chat AND short → …"):
 * equality on intent with token bounds, a `$in` group, a `$regex` rule and a catch-all; two
 * guardrails; every rule a 5-target weighted loadbalance with retries.
 */
export const benchPolicy: PolicySpec = {
  spec_version: 'v1',
  kind: 'model',
  name: 'bench',
  policy: {
    strategy: { mode: 'conditional' },
    retry: { attempts: 2, on_status_codes: [429, 503] },
    rules: [
      rule('code', { 'metadata.intent': 'code' }, 0, 5),
      rule('chat-short', { 'metadata.intent': 'chat', input_tokens: { $lt: 1000 } }, 1),
      rule('chat-long', { 'metadata.intent': 'chat', input_tokens: { $gte: 1000 } }, 2),
      rule('search', { 'metadata.intent': { $eq: 'search' }, 'params.temperature': { $lte: 0.5 } }, 3),
      rule('writing', { 'metadata.intent': { $in: ['summarise', 'translate'] } }, 4),
      rule('math', { 'metadata.intent': 'math', $or: [{ input_tokens: { $lt: 2000 } }, { 'metadata.tier': 'pro' }] }, 5),
      rule('legal', { 'metadata.intent': 'legal', 'metadata.team': { $regex: '^t-[0-4]$' } }, 6, 3),
      rule('vip', { 'metadata.user': { $regex: '^vip-' } }, 0, 10),
      rule('support', { 'metadata.intent': 'support', input_tokens: { $lte: 8000 } }, 1),
      rule('default', {}, 2, -1),
    ],
    guardrails: [
      { name: 'pii', when: { 'metadata.pii': true }, action: 'block' },
      { name: 'huge', when: { input_tokens: { $gt: 100_000 } }, action: 'flag' },
    ],
  },
};

function requests(): RequestContext[] {
  const rng = createRng('bench-requests');
  return Array.from({ length: 1024 }, () => ({
    metadata: { intent: INTENTS[rng.int(INTENTS.length)], team: `t-${rng.int(5)}`, user: `u-${rng.int(100)}` },
    params: { temperature: 0.2 },
    input_tokens: 50 + rng.int(3000),
    timestamp_ms: 1_767_225_600_000,
  }));
}

/**
 * The baseline is the same router on the trivial policy — one target, no rules, no guardrails, no
 * draw — so both sides pay the same call and decision shape, and the ratio is the price of the
 * rules, guardrails and weighted plan.
 */
const trivialPolicy: PolicySpec = {
  spec_version: 'v1',
  kind: 'model',
  name: 'trivial',
  policy: { strategy: { mode: 'single' }, targets: [{ model_name: 'provider/model-0' }] },
};

/** For the record: a bare function returning the first target, with no router at all. */
function bareFirstTarget(spec: PolicySpec, _request: RequestContext): Decision {
  const model = spec.policy.targets?.[0]?.model_name ?? '';
  return { kind: 'skipped', skipped: 'no_rule', reasons: [model], flagged: false };
}

export default async function routerBench(): Promise<BenchResult> {
  const reqs = requests();
  const state = createRouterState();
  const rng = createRng(42);
  let sink = 0;
  const mask = reqs.length - 1;
  let i = 0;
  decide(benchPolicy, reqs[0] as RequestContext, state, rng);
  const real = opsPerSecond((n) => {
    for (let k = 0; k < n; k++) sink += decide(benchPolicy, reqs[i++ & mask] as RequestContext, state, rng).reasons.length;
  });
  const trivial = opsPerSecond((n) => {
    for (let k = 0; k < n; k++) sink += decide(trivialPolicy, reqs[i++ & mask] as RequestContext, state, rng).reasons.length;
  });
  const bare = opsPerSecond((n) => {
    for (let k = 0; k < n; k++) sink += bareFirstTarget(trivialPolicy, reqs[i++ & mask] as RequestContext).reasons.length;
  });
  const ratio = trivial / real;
  const usPerDecision = 1e6 / real;
  if (sink < 0) throw new Error('unreachable');
  return result({
    name: 'router',
    value: real,
    baseline: trivial,
    ratio,
    target: 'ratio <= 3 and < 2 us/decision',
    unit: 'decisions/s',
    passed: ratio <= 3 && usPerDecision < 2,
    details: {
      us_per_decision: usPerDecision,
      trivial_us_per_decision: 1e6 / trivial,
      bare_function_us: 1e6 / bare,
      ratio_to_bare_function: bare / real,
      rules: 10,
      targets_per_rule: 5,
    },
  });
}
