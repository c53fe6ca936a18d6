import { describe, expect, it } from 'vitest';
import { PolicySpec as PolicySpecSchema, type PolicySpec } from '../../../src/domain/policy-spec.js';
import { createRng } from '../../../src/domain/rng.js';
import { requestInput } from '../../../src/domain/request-input.js';
import { createRouterState, decide, exportPolicy } from '../../../src/policy/index.js';
import { validateSpec } from '../../../src/policy/validate.js';
import { chooseLambda, type ScorerData } from '../../../src/tuning/scorer-fit.js';
import { base } from './keyword-setup.js';

describe('scorer boundary mix', () => {
  // Two models: cheap (cost 1, quality 0.5) and large (cost 10), large better where it is predicted so.
  const gains = [0.4, 0.3, 0.2, 0.1];
  const quality = new Float64Array(gains.flatMap((g) => [0.5, 0.5 + g]));
  const cost = new Float64Array(gains.flatMap(() => [1, 10]));
  const data: ScorerData = {
    featuresOf: () => ({ idx: new Int32Array(0), val: new Float64Array(0) }),
    dim: 2,
    tokensOf: () => 0,
    quality,
    cost,
    width: 2,
    models: [0, 1],
  };
  const rows = [0, 1, 2, 3];
  const preds = gains.map((g) => new Float64Array([0.5, 0.5 + g]));
  const costs = gains.map(() => new Float64Array([1, 10]));

  it('lands the expected cost on the ceiling, where one price leaves budget unspent', () => {
    // One price: large for the best 1 request costs 3.25, for 2 costs 5.5; the ceiling is 4.
    const choice = chooseLambda(data, rows, preds, costs, 4);
    expect(choice.cost).toBeCloseTo(4, 9);
    expect(choice.mix?.weight).toBeCloseTo(1 / 3, 9);
    // The hull's quality at the ceiling: 0.6 (one on large) + 1/3 of the second's 0.3 / 4 rows.
    expect(choice.quality).toBeCloseTo(0.6 + 0.3 / 3 / 4, 9);
    expect(choice.perRow.c.reduce((a, x) => a + x, 0) / 4).toBeCloseTo(4, 9);
  });

  it('uses one price when that price sits on the ceiling or under a ceiling nothing reaches', () => {
    expect(chooseLambda(data, rows, preds, costs, 5.5).mix).toBeNull();
    const all = chooseLambda(data, rows, preds, costs, 100);
    expect(all.mix).toBeNull();
    expect(all.cost).toBe(10);
  });

  const mixed = (weight: number): PolicySpec => ({
    ...base,
    policy: {
      ...base.policy,
      scorer: {
        kind: 'hashed_ngrams',
        dim: 16,
        // At λ = 1 the cheap model wins every request (0.5 − 1 vs 0.6 − 10); at λ = 0 the large one.
        lambda: 1,
        mix: { lambda: 0, weight },
        models: [
          { model_name: 'general', cost: 1, bias: 0, weights: [] },
          { model_name: 'large', cost: 10, bias: Math.log(0.6 / 0.4), weights: [] },
        ],
      },
    },
  });

  it('the router draws the mix price with its weight, from the seeded rng', () => {
    const spec = mixed(0.3);
    expect(validateSpec(spec)).toEqual([]);
    const request = {
      metadata: {},
      params: {},
      input_tokens: 5,
      timestamp_ms: 0,
      input: requestInput([{ role: 'user', content: 'anything at all' }]),
    };
    const served = Array.from({ length: 2000 }, (_, i) => {
      const d = decide(spec, request, createRouterState(), createRng(`mix:${i}`));
      return d.kind === 'route' ? d.plan[0]?.model : undefined;
    });
    const large = served.filter((m) => m === 'large').length / served.length;
    expect(served.every((m) => m === 'large' || m === 'general')).toBe(true);
    expect(large).toBeGreaterThan(0.25);
    expect(large).toBeLessThan(0.35);
    // Same seed, same draw.
    expect(decide(spec, request, createRouterState(), createRng('mix:7'))).toEqual(
      decide(spec, request, createRouterState(), createRng('mix:7')),
    );
  });

  it('a mix weight outside [0, 1] is refused, and every export format refuses the scorer by name', () => {
    expect(PolicySpecSchema.safeParse(mixed(1.5)).success).toBe(false);
    expect(PolicySpecSchema.safeParse(mixed(0.3)).success).toBe(true);
    const out = exportPolicy(mixed(0.3), 'litellm');
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.map((i) => i.field).join('\n')).toMatch(/policy\.scorer/);
  });
});
