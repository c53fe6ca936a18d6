import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/domain/rng.js';
import { createRouterState, decide, execute, recordUsage } from '../../../src/policy/index.js';
import { FLASH, LITE, request, seed, spec } from './fixtures.js';

const ok = () => 200;
const failing = (bad: Record<string, number>) => (model: string) => bad[model] ?? 200;
const run = (
  s: Parameters<typeof execute>[0],
  outcome: Parameters<typeof execute>[4],
  req = request(),
  state = createRouterState(),
  seedValue = 1,
) => execute(s, req, state, createRng(seedValue), outcome);

describe('retries and strategies (watsonx seeds)', () => {
  it('firstgem: the first model failing 503 is retried once, then the second serves', () => {
    const ex = run(seed('firstgem'), failing({ [FLASH]: 503 }));
    expect(ex.served).toBe(LITE);
    expect(ex.attempts).toEqual([
      { model: FLASH, status: 503, reason: 'primary' },
      { model: FLASH, status: 503, reason: 'retry' },
      { model: LITE, status: 200, reason: 'fallback' },
    ]);
  });

  it('firstgem: with no strategy codes listed, fallback moves on after any non-2xx (not only retry codes)', () => {
    expect(run(seed('firstgem'), failing({ [FLASH]: 429 })).served).toBe(LITE);
  });

  it('retrygem: 3 retries after the first try, then the request fails', () => {
    const ex = run(seed('retrygem'), () => 503);
    expect(ex.attempts.map((a) => a.reason)).toEqual(['primary', 'retry', 'retry', 'retry']);
    expect(ex.served).toBeNull();
  });

  it('retrygem: a status outside retry.on_status_codes is not retried', () => {
    expect(run(seed('retrygem'), () => 500).attempts).toHaveLength(1);
  });

  it('anygem: a strategy code after the retry redraws among the remaining targets', () => {
    for (let s = 0; s < 20; s++) {
      const ex = run(seed('anygem'), failing({ [FLASH]: 503 }), request(), createRouterState(), s);
      expect(ex.served).toBe(LITE);
      if (ex.attempts[0]?.model === FLASH) expect(ex.attempts.map((a) => a.reason)).toEqual(['drawn', 'retry', 'redraw']);
    }
  });

  it('anygem (old copy, no strategy codes): loadbalance does not redraw', () => {
    const flashFirst = [...Array(20).keys()]
      .map((s) => run(seed('anygem-old'), failing({ [FLASH]: 503 }), request(), createRouterState(), s))
      .find((e) => e.attempts[0]?.model === FLASH);
    expect(flashFirst?.served).toBeNull();
    expect(flashFirst?.attempts).toHaveLength(2);
  });

  it('the outcome function is told the attempt number', () => {
    const seen: number[] = [];
    run(seed('retrygem'), (_m, n) => (seen.push(n), n < 2 ? 503 : 200));
    expect(seen).toEqual([0, 1, 2]);
  });
});

describe('round robin', () => {
  const rr = spec({
    strategy: { mode: 'round_robin', on_status_codes: [503] },
    targets: [{ model_name: 'a' }, { model_name: 'b' }, { model_name: 'c' }],
  });
  it('rotates one step per request and moves on in rotation on a strategy code', () => {
    const state = createRouterState();
    expect([1, 2, 3, 4].map(() => run(rr, ok, request(), state).served)).toEqual(['a', 'b', 'c', 'a']);
    const ex = run(rr, failing({ b: 503 }), request(), state);
    expect(ex.attempts.map((a) => a.model)).toEqual(['b', 'c']);
  });
});

describe('rules, guardrails, budgets, scope and enabled', () => {
  const ruled = spec({
    strategy: { mode: 'conditional' },
    rules: [
      { name: 'cheap', when: { input_tokens: { $lt: 500 } }, targets: [{ model_name: 'small' }] },
      {
        name: 'code',
        priority: 10,
        when: { 'metadata.intent': 'code', 'params.temperature': { $lte: 0.5 } },
        targets: [{ model_name: 'coder' }],
      },
      {
        name: 'tagged',
        when: { $or: [{ 'metadata.tags': { $in: ['vip'] } }, { 'metadata.user': { $regex: '^admin' } }] },
        targets: [{ model_name: 'big' }],
      },
    ],
    guardrails: [
      { name: 'pii', when: { 'metadata.pii': true }, action: 'block' },
      { name: 'long', when: { input_tokens: { $gt: 5000 } }, action: 'flag' },
    ],
  });

  it('the highest-priority matching rule wins; ties keep document order', () => {
    const coding = run(ruled, ok, request({ metadata: { intent: 'code' }, params: { temperature: 0.2 } }));
    expect(coding.served).toBe('coder');
    expect(coding.reasons).toContain('rule code matched');
    expect(coding.attempts[0]?.reason).toBe('rule:code');
    expect(run(ruled, ok, request({ input_tokens: 10, metadata: { tags: ['vip'] } })).served).toBe('small');
    expect(run(ruled, ok, request({ input_tokens: 900, metadata: { user: 'admin-7' } })).served).toBe('big');
  });

  it('no matching rule: not routed, no attempt', () => {
    const ex = run(ruled, ok, request({ input_tokens: 900 }));
    expect(ex).toMatchObject({ served: null, blocked: null, skipped: 'no_rule', attempts: [] });
  });

  it('guardrails apply whatever the route: block stops it, flag marks it', () => {
    expect(run(ruled, ok, request({ input_tokens: 10, metadata: { pii: true } }))).toMatchObject({ blocked: 'guardrail', attempts: [] });
    expect(run(ruled, ok, request({ input_tokens: 6000, metadata: { tags: ['vip'] } }))).toMatchObject({ served: 'big', flagged: true });
  });

  it('targets present bypass the rules (orq precedence)', () => {
    const both = spec({ ...ruled.policy, strategy: { mode: 'single' }, targets: [{ model_name: 'main' }] });
    expect(run(both, ok, request({ input_tokens: 10 })).served).toBe('main');
  });

  it('a request budget blocks within its window and resets in the next (UTC)', () => {
    const b = spec({
      strategy: { mode: 'single' },
      targets: [{ model_name: 'a' }],
      budget: { max_requests: { limit: 2, period: 'daily' } },
    });
    const state = createRouterState();
    const day = Date.UTC(2026, 2, 1, 10);
    const go = (ts: number) => {
      const req = request({ timestamp_ms: ts });
      const ex = run(b, ok, req, state);
      if (ex.served) recordUsage(state, b, req, { cost_usd: 0.01, tokens: 100, requests: 1 });
      return ex.blocked;
    };
    expect([go(day), go(day + 1000), go(day + 2000)]).toEqual([null, null, 'budget']);
    expect(go(Date.UTC(2026, 2, 2, 0, 0, 1))).toBeNull();
  });

  it('a spend budget blocks once the charged cost reaches the limit', () => {
    const b = spec({
      strategy: { mode: 'single' },
      targets: [{ model_name: 'a' }],
      budget: { max_spend_usd: { limit: 1, period: 'monthly' } },
    });
    const state = createRouterState();
    recordUsage(state, b, request(), { cost_usd: 0.6, tokens: 0, requests: 1 });
    expect(run(b, ok, request(), state).blocked).toBeNull();
    recordUsage(state, b, request(), { cost_usd: 0.4, tokens: 0, requests: 1 });
    expect(run(b, ok, request(), state).blocked).toBe('budget');
  });

  it('a disabled policy and an out-of-scope request are not routed', () => {
    const base = { strategy: { mode: 'single' as const }, targets: [{ model_name: 'a' }] };
    expect(decide(spec({ ...base, enabled: false }), request(), createRouterState(), createRng(1))).toMatchObject({
      kind: 'skipped',
      skipped: 'disabled',
    });
    const scoped = spec({ ...base, scope: 'proj-1' });
    expect(run(scoped, ok, request({ project: 'proj-2' })).skipped).toBe('out_of_scope');
    expect(run(scoped, ok, request({ metadata: { project: 'proj-1' } })).served).toBe('a');
  });
});

describe('decide', () => {
  it('returns the plan with reasons and leaves the state untouched', () => {
    const state = createRouterState();
    const d = decide(seed('firstgem'), request(), state, createRng(3));
    expect(d).toMatchObject({
      kind: 'route',
      plan: [
        { model: FLASH, reason: 'primary', max_tries: 2 },
        { model: LITE, reason: 'fallback', max_tries: 2 },
      ],
    });
    expect(state.roundRobin.size).toBe(0);
  });
});
