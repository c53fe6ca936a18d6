import { describe, expect, it } from 'vitest';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import { propensityOf } from '../../../src/gateway/propensity.js';
import { createRouterState } from '../../../src/policy/index.js';

const spec = (policy: PolicySpec['policy']): PolicySpec => ({ spec_version: 'v1', kind: 'model', name: 'p', policy });
const request = { metadata: {}, params: {}, input_tokens: 10, timestamp_ms: 0 };
const lb = spec({
  strategy: { mode: 'loadbalance', on_status_codes: [503] },
  retry: { attempts: 1, on_status_codes: [503] },
  targets: [
    { model_name: 'a', weight: 0.75 },
    { model_name: 'b', weight: 0.25 },
  ],
});

describe('propensityOf: the probability the router gave the path it took', () => {
  it('is the weight of the target drawn first when it answered', () => {
    expect(propensityOf(lb, request, createRouterState(), [{ model: 'a', status: 200 }])).toBeCloseTo(0.75, 12);
    expect(propensityOf(lb, request, createRouterState(), [{ model: 'b', status: 200 }])).toBeCloseTo(0.25, 12);
  });

  it('counts retries and redraws as the router made them, whatever the outcomes', () => {
    const path = [
      { model: 'b', status: 503 },
      { model: 'b', status: 503 },
      { model: 'a', status: 200 },
    ];
    // b drawn first (0.25), then a is the only target left (1).
    expect(propensityOf(lb, request, createRouterState(), path)).toBeCloseTo(0.25, 12);
    // A retry that succeeded: the outcome mix (503 then 200) does not enter the propensity.
    expect(
      propensityOf(lb, request, createRouterState(), [
        { model: 'a', status: 503 },
        { model: 'a', status: 200 },
      ]),
    ).toBeCloseTo(0.75, 12);
  });

  it('is 1 for fallback, and null for a path the router could not have taken', () => {
    const fb = spec({ strategy: { mode: 'fallback' }, targets: [{ model_name: 'a' }, { model_name: 'b' }] });
    expect(
      propensityOf(fb, request, createRouterState(), [
        { model: 'a', status: 500 },
        { model: 'b', status: 200 },
      ]),
    ).toBe(1);
    expect(propensityOf(fb, request, createRouterState(), [{ model: 'b', status: 200 }])).toBeNull();
  });
});
