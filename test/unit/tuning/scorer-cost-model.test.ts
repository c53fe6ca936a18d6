import { describe, expect, it } from 'vitest';
import { PolicySpec as PolicySpecSchema, type PolicySpec } from '../../../src/domain/policy-spec.js';
import { createRng } from '../../../src/domain/rng.js';
import { requestInput } from '../../../src/domain/request-input.js';
import { createRouterState, decide } from '../../../src/policy/index.js';
import { scorerFeatures } from '../../../src/policy/text-features.js';
import { validateSpec } from '../../../src/policy/validate.js';
import { costModelSpec, fitCost, predictCost, type CostData } from '../../../src/tuning/cost-fit.js';
import type { Outcome } from '../../../src/domain/outcome.js';
import type { RunCase } from '../../../src/domain/run.js';
import { buildOutcomeMatrix, evaluateVariant } from '../../../src/replay/index.js';
import { splitOf } from '../../../src/replay/split.js';
import { propose } from '../../../src/tuning/propose.js';
import { base } from './keyword-setup.js';

const DIM = 256;
const request = (text: string, tokens = 20) => ({
  metadata: {},
  params: {},
  input_tokens: tokens,
  input: requestInput([{ role: 'user', content: text }]),
});

describe('per-request cost model', () => {
  // Model 0 costs 1 a request whatever it is asked; model 1 writes long essays (cost 30) and short
  // definitions (cost 3), and its cost also grows with the prompt's length.
  const texts = Array.from({ length: 120 }, (_, i) => (i % 2 ? `write an essay about topic ${i}` : `what is thing ${i}`));
  const tokens = texts.map((_, i) => 10 + (i % 7) * 30);
  const cost = new Float64Array(texts.flatMap((t, i) => [1, (t.startsWith('write') ? 30 : 3) * (1 + (tokens[i] as number) / 400)]));
  const feats = texts.map((t) => scorerFeatures(request(t), [], DIM));
  const data: CostData = {
    featuresOf: (r) => feats[r] as ReturnType<typeof scorerFeatures>,
    dim: DIM,
    tokensOf: (r) => tokens[r] as number,
    cost,
    width: 2,
    models: [0, 1],
  };
  const rows = texts.map((_, i) => i);
  const fit = fitCost(data, rows, createRng('cost'));
  const predict = (text: string, t = 20) => predictCost(fit, scorerFeatures(request(text), [], DIM), t, new Float64Array(2));

  it('predicts from the words of unseen prompts which answers will be long, and prices a flat model flat', () => {
    const essay = predict('write an essay about rivers');
    const short = predict('what is a river');
    expect(essay[1]).toBeGreaterThan(4 * (short[1] as number));
    expect(essay[0]).toBeCloseTo(1, 1);
    expect(short[0]).toBeCloseTo(1, 1);
    // Longer prompts cost more, other things equal.
    expect(predict('what is a river', 200)[1]).toBeGreaterThan(short[1] as number);
  });

  it('is unbiased for the mean cost on the rows it was fitted on (smearing), and deterministic', () => {
    let predicted = 0;
    let actual = 0;
    for (const r of rows) {
      predicted += predictCost(fit, data.featuresOf(r), tokens[r] as number, new Float64Array(2))[1] as number;
      actual += cost[r * 2 + 1] as number;
    }
    expect(predicted / actual).toBeCloseTo(1, 1);
    expect(fitCost(data, rows, createRng('cost'))).toEqual(fit);
  });

  it('the router prices each request by it: the expensive model where its answer will be short', () => {
    // Equal predicted quality gap everywhere: the large model is worth it only where it is cheap.
    const spec: PolicySpec = {
      ...base,
      policy: {
        ...base.policy,
        scorer: {
          kind: 'hashed_ngrams',
          dim: DIM,
          lambda: 0.03,
          models: [
            { model_name: 'small', cost: 1, bias: 0, weights: [], cost_model: costModelSpec(fit, 0) },
            { model_name: 'large', cost: 10, bias: 1, weights: [], cost_model: costModelSpec(fit, 1) },
          ],
        },
      },
    };
    expect(validateSpec(spec)).toEqual([]);
    expect(PolicySpecSchema.parse(spec)).toEqual(spec);
    const routed = (text: string) => {
      const d = decide(spec, { ...request(text), timestamp_ms: 0 }, createRouterState(), createRng('t'));
      return d.kind === 'route' ? d.plan[0]?.model : undefined;
    };
    expect(routed('what is a lake')).toBe('large');
    expect(routed('write an essay about lakes')).toBe('small');
    // A stored scorer without cost models (written before them) still routes, by the mean cost.
    const old = structuredClone(spec);
    for (const m of old.policy.scorer?.models ?? []) delete m.cost_model;
    expect(PolicySpecSchema.parse(old)).toEqual(old);
    const d = decide(old, { ...request('what is a lake'), timestamp_ms: 0 }, createRouterState(), createRng('t'));
    expect(d.kind === 'route' ? d.plan[0]?.model : undefined).toBe('small');
  });

  it('validation names a cost-model bucket outside the dimension', () => {
    const spec: PolicySpec = {
      ...base,
      policy: {
        ...base.policy,
        scorer: {
          kind: 'hashed_ngrams',
          dim: 16,
          lambda: 0,
          models: [{ model_name: 'large', cost: 0, bias: 0, weights: [], cost_model: { bias: 0, per_log_token: 0, weights: [[16, 1]] } }],
        },
      },
    };
    expect(validateSpec(spec).map((i) => i.path.join('.'))).toEqual(['policy.scorer.models.0.cost_model.weights.0']);
  });
});

describe('learned scorer with per-request cost, proposed', () => {
  // Authored: `large` is right 90% of the time and `small` 30% on every prompt, but large's answer
  // to an essay costs 20× its answer to a definition. Under a tight ceiling only a router that
  // knows which answers will be long can afford large where it is cheap.
  const ESSAY = ['Write an essay on rivers.', 'Write an essay about bridges.', 'Write an essay on trade winds.'];
  const DEFINE = ['Define a river.', 'Define a bridge.', 'Define a trade wind.'];
  const cases: RunCase[] = [];
  const outcomes: Outcome[] = [];
  for (let i = 0; i < 400; i++) {
    const essay = i % 2 === 0;
    const id = `e${i}`;
    const text = `${(essay ? ESSAY : DEFINE)[(i >> 1) % 3]} (case ${i})`;
    cases.push({
      case_id: id,
      split: splitOf(`pair${i >> 1}`, 'essay', 0.3),
      timestamp: null,
      metadata: {},
      params: {},
      input_tokens: 10,
      input: requestInput([{ role: 'user', content: text }]),
    });
    const right = (rate: number) => (((i * 7919) % 100) / 100 < rate ? 1 : 0);
    const rows = { small: { score: right(0.3), cost: 0.0001 }, large: { score: right(0.9), cost: essay ? 0.004 : 0.0002 } };
    for (const model of ['small', 'large'] as const)
      outcomes.push({
        case_id: id,
        model,
        answered_by: model,
        status: 200,
        output: null,
        score: rows[model].score,
        pass: null,
        reason: null,
        cost_usd: rows[model].cost,
        latency_ms: 100,
        input_tokens: null,
        output_tokens: null,
        source: 'recorded',
      });
  }
  const current: PolicySpec = { ...base, policy: { strategy: { mode: 'loadbalance' }, targets: [{ model_name: 'large' }] } };
  const results = evaluateVariant(current, cases, buildOutcomeMatrix(outcomes), { rate: 1, seed: 's' });
  const draft = propose({
    runId: 'r',
    seed: 's',
    rate: 1,
    baseline: { name: 'assistant', version: 1, spec: current, results },
    cases,
    outcomes,
    // Large on every definition and no essay costs 0.00015 a request, 7% of large everywhere.
    options: { max_cost_ratio: 0.08, per_request: true, learner: 'scorer' },
  });

  it('is chosen by cross-validation, stored with cost models, and routes large where its answer is short', () => {
    expect(draft.learner.candidates.find((c) => c.chosen)?.name).toMatch(/cost per request/);
    expect(draft.policy.policy.scorer?.models.every((m) => m.cost_model !== undefined)).toBe(true);
    const routed = (text: string) => {
      const d = decide(draft.policy, { ...request(text, 10), timestamp_ms: 0 }, createRouterState(), createRng('t'));
      return d.kind === 'route' ? d.plan[0]?.model : undefined;
    };
    expect(routed('Define a harbour.')).toBe('large');
    expect(routed('Write an essay on harbours.')).toBe('small');
    expect(draft.constraint.met).toBe(true);
  });
});
