import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import { createRng } from '../../../src/domain/rng.js';
import {
  compilePolicy,
  createRouterState,
  decide,
  distribution,
  execute,
  exportPolicy,
  maxAttempts,
  normalizedWeights,
  parsePolicyText,
} from '../../../src/policy/index.js';
import { watsonxIssues } from '../../../src/policy/formats/watsonx.js';
import { request } from './fixtures.js';

const MODELS = ['m0', 'm1', 'm2', 'm3', 'm4'];
const CODES = [429, 500, 502, 503, 504];
const STATUSES = [200, 429, 500, 503];

const codes = fc.option(fc.subarray(CODES, { minLength: 1 }), { nil: undefined });
const weight = fc.option(
  fc.integer({ min: 1, max: 20 }).map((k) => k / 20),
  { nil: undefined },
);

const policySpec: fc.Arbitrary<PolicySpec> = fc
  .record({
    mode: fc.constantFrom('loadbalance', 'fallback', 'single', 'round_robin') as fc.Arbitrary<
      'loadbalance' | 'fallback' | 'single' | 'round_robin'
    >,
    models: fc.shuffledSubarray(MODELS, { minLength: 1, maxLength: 5 }),
    weights: fc.array(weight, { minLength: 5, maxLength: 5 }),
    strategyCodes: codes,
    retry: fc.option(fc.record({ attempts: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), on_status_codes: codes }), {
      nil: undefined,
    }),
    description: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  })
  .map(({ mode, models, weights, strategyCodes, retry, description }) => {
    const chosen = mode === 'single' ? models.slice(0, 1) : models;
    const targets = chosen.map((model_name, i) =>
      weights[i] === undefined ? { model_name } : { model_name, weight: weights[i] as number },
    );
    const strategy = strategyCodes ? { mode, on_status_codes: strategyCodes } : { mode };
    const cleanRetry = retry && Object.fromEntries(Object.entries(retry).filter(([, v]) => v !== undefined));
    return {
      spec_version: 'v1' as const,
      kind: 'model' as const,
      name: 'prop',
      ...(description !== undefined ? { description } : {}),
      policy: { strategy, ...(cleanRetry ? { retry: cleanRetry } : {}), targets },
    };
  });

/**
 * Per model, success or one error status with some probability (a few random statuses per try
 * already make thousands of paths once retries and five targets multiply them).
 */
const outcomes = fc
  .array(fc.record({ status: fc.constantFrom(...STATUSES.slice(1)), fail: fc.integer({ min: 0, max: 4 }) }), { minLength: 5, maxLength: 5 })
  .map((rows) =>
    Object.fromEntries(
      MODELS.map((m, i) => [
        m,
        [
          { status: 200, p: 1 - (rows[i]?.fail ?? 0) / 4 },
          { status: rows[i]?.status ?? 503, p: (rows[i]?.fail ?? 0) / 4 },
        ],
      ]),
    ),
  );

describe('router properties', () => {
  it('drawn targets converge to the normalised weights', () => {
    fc.assert(
      fc.property(
        policySpec.filter((s) => s.policy.strategy.mode === 'loadbalance'),
        fc.integer(),
        (s, seedValue) => {
          const rng = createRng(seedValue);
          const n = 4000;
          const counts = new Map<string, number>();
          for (let i = 0; i < n; i++) {
            const d = decide(s, request(), createRouterState(), rng);
            if (d.kind !== 'route') throw new Error('expected a route');
            counts.set(d.plan[0]?.model as string, (counts.get(d.plan[0]?.model as string) ?? 0) + 1);
          }
          const targets = s.policy.targets ?? [];
          normalizedWeights(targets).forEach((w, i) => {
            const observed = (counts.get(targets[i]?.model_name as string) ?? 0) / n;
            expect(Math.abs(observed - w)).toBeLessThan(4.5 * Math.sqrt((w * (1 - w)) / n) + 1e-9);
          });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('fallback respects the target order and no path exceeds its bound', () => {
    fc.assert(
      fc.property(policySpec, fc.integer(), (s, seedValue) => {
        const rng = createRng(seedValue);
        const order = (s.policy.targets ?? []).map((t) => t.model_name);
        const bound = maxAttempts(compilePolicy(s).main as NonNullable<ReturnType<typeof compilePolicy>['main']>);
        for (let i = 0; i < 30; i++) {
          const ex = execute(s, request(), createRouterState(), rng, () => STATUSES[rng.int(STATUSES.length)] as number);
          expect(ex.attempts.length).toBeLessThanOrEqual(bound);
          if (s.policy.strategy.mode === 'fallback') {
            const tried = [...new Set(ex.attempts.map((a) => a.model))];
            expect(tried).toEqual(order.slice(0, tried.length));
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the distribution sums to 1, respects the bound and matches execute frequencies', () => {
    fc.assert(
      fc.property(policySpec, outcomes, fc.integer(), (s, out, seedValue) => {
        const paths = distribution(s, request(), (m) => out[m] ?? [{ status: 200, p: 1 }]);
        const total = paths.reduce((a, p) => a + p.p, 0);
        expect(total).toBeCloseTo(1, 9);
        const bound = maxAttempts(compilePolicy(s).main as NonNullable<ReturnType<typeof compilePolicy>['main']>);
        for (const p of paths) expect(p.attempts.length).toBeLessThanOrEqual(bound);

        const expected = new Map<string, number>();
        for (const p of paths) expected.set(p.served ?? '-', (expected.get(p.served ?? '-') ?? 0) + p.p);
        const rng = createRng(seedValue);
        const draw = (m: string) => {
          let u = rng.next();
          for (const o of out[m] ?? []) if ((u -= o.p) < 0) return o.status;
          return 200;
        };
        const n = 3000;
        const seen = new Map<string, number>();
        const state = createRouterState();
        for (let i = 0; i < n; i++) {
          // A fresh state per request so round robin starts where distribution() assumes.
          state.roundRobin.clear();
          const ex = execute(s, request(), state, rng, draw);
          seen.set(ex.served ?? '-', (seen.get(ex.served ?? '-') ?? 0) + 1);
        }
        for (const [k, p] of expected)
          expect(Math.abs((seen.get(k) ?? 0) / n - p)).toBeLessThan(4.5 * Math.sqrt(Math.max(0, p * (1 - p)) / n) + 0.002);
      }),
      { numRuns: 40 },
    );
  });

  it('a spec round-trips through export and import (watsonx YAML and JSON, Portkey)', () => {
    fc.assert(
      fc.property(policySpec, (s) => {
        for (const format of ['watsonx', 'watsonx-json', 'portkey'] as const) {
          const text = exportPolicy(s, format);
          if (!text.ok) {
            // Portkey has no round robin; watsonx only loadbalance, fallback and single, without
            // rules, budget or guardrails; anything else must export.
            if (format === 'portkey') expect(s.policy.strategy.mode).toBe('round_robin');
            else expect(watsonxIssues(s).length).toBeGreaterThan(0);
            continue;
          }
          if (format !== 'portkey') expect(watsonxIssues(s)).toEqual([]);
          const back = parsePolicyText(text.value, {});
          expect(back.ok && back.value.spec).toEqual(s);
        }
      }),
      { numRuns: 200 },
    );
  });
});
