import { describe, expect, it } from 'vitest';
import { createRouterState, distribution, execute, recordUsage } from '../../../src/policy/index.js';
import { createRng } from '../../../src/domain/rng.js';
import { FLASH, LITE, request, seed, spec } from './fixtures.js';

const always = (status: number) => () => [{ status, p: 1 }];

describe('distribution', () => {
  it('anygem with every model up: 0.75 / 0.25, one attempt each', () => {
    const paths = distribution(seed('anygem'), request(), always(200));
    expect(paths.map((p) => [p.served, p.p, p.attempts.length])).toEqual([
      [FLASH, 0.75, 1],
      [LITE, 0.25, 1],
    ]);
  });

  it('firstgem with the first model down always ends on the second, after a retry', () => {
    const paths = distribution(seed('firstgem'), request(), (m) => (m === FLASH ? [{ status: 503, p: 1 }] : [{ status: 200, p: 1 }]));
    expect(paths).toEqual([
      {
        p: 1,
        served: LITE,
        blocked: null,
        flagged: false,
        attempts: [
          { model: FLASH, status: 503, reason: 'primary' },
          { model: FLASH, status: 503, reason: 'retry' },
          { model: LITE, status: 200, reason: 'fallback' },
        ],
      },
    ]);
  });

  it('reads the state without changing it: round robin starts at the pointer, a used-up budget blocks', () => {
    const rr = spec({
      strategy: { mode: 'round_robin' },
      targets: [{ model_name: 'a' }, { model_name: 'b' }],
      budget: { max_requests: { limit: 1, period: 'hourly' } },
    });
    const state = createRouterState();
    execute(rr, request(), state, createRng(1), () => 200);
    expect(distribution(rr, request(), always(200), state).map((p) => p.served)).toEqual(['b']);
    recordUsage(state, rr, request(), { cost_usd: 0, tokens: 0, requests: 1 });
    expect(distribution(rr, request(), always(200), state)).toEqual([
      { p: 1, attempts: [], served: null, blocked: 'budget', flagged: false },
    ]);
    expect(state.roundRobin.get([...state.roundRobin.keys()][0] as string)).toBe(1);
  });

  it('a blocking guardrail is one path with p = 1; a flag marks every path', () => {
    const g = spec({
      strategy: { mode: 'loadbalance' },
      targets: [{ model_name: 'a' }, { model_name: 'b' }],
      guardrails: [
        { when: { 'metadata.pii': true }, action: 'block' },
        { when: { 'metadata.tags': 'beta' }, action: 'flag' },
      ],
    });
    expect(distribution(g, request({ metadata: { pii: true } }), always(200))).toEqual([
      { p: 1, attempts: [], served: null, blocked: 'guardrail', flagged: false },
    ]);
    const flagged = distribution(g, request({ metadata: { tags: ['beta'] } }), always(200));
    expect(flagged.map((p) => [p.p, p.flagged])).toEqual([
      [0.5, true],
      [0.5, true],
    ]);
  });
});
