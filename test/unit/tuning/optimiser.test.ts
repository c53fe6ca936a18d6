import { describe, expect, it } from 'vitest';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import { checkPolicySpec } from '../../../src/policy/index.js';
import { buildOutcomeMatrix, evaluateVariant } from '../../../src/replay/index.js';
import { emitSpec, targetsOf } from '../../../src/tuning/emit-spec.js';
import { hullWalk } from '../../../src/tuning/hull-walk.js';
import { limitChange, mixDistance } from '../../../src/tuning/max-change.js';
import { optionsKey, proposalId } from '../../../src/tuning/options-key.js';
import { propose, type ProposeInput } from '../../../src/tuning/propose.js';
import { routerbenchSynth } from '../../fixtures/tuning/routerbench-synth.js';

describe('hull walk', () => {
  const groups = [
    {
      key: 'a',
      share: 0.5,
      points: [
        { label: 'cheap', cost: 1, quality: 0.5 },
        { label: 'dear', cost: 3, quality: 0.9 },
      ],
    },
    {
      key: 'b',
      share: 0.5,
      points: [
        { label: 'cheap', cost: 1, quality: 0.6 },
        { label: 'dear', cost: 3, quality: 0.7 },
      ],
    },
  ];
  it('spends the budget where quality per dollar is highest, mixing only at the margin', () => {
    const s = hullWalk(groups, { kind: 'max_quality', maxCost: 1.5 });
    expect(s.mixes.get('b')).toEqual({ cheap: 1 });
    expect(s.mixes.get('a')?.dear).toBeCloseTo(0.5);
    expect(s.cost).toBeCloseTo(1.5);
    expect(s.quality).toBeCloseTo(0.5 * 0.7 + 0.5 * 0.6);
    expect(s.lambda).toBeCloseTo(0.2);
  });
  it('minimises cost above a quality floor', () => {
    const s = hullWalk(groups, { kind: 'min_cost', minQuality: 0.65 });
    expect(s.quality).toBeCloseTo(0.65);
    expect(s.cost).toBeCloseTo(1.5); // half of group a moves to the dear model
    expect(hullWalk(groups, { kind: 'min_cost', minQuality: 0.95 }).feasible).toBe(false);
  });
  it('reports an unreachable ceiling instead of breaking it silently', () => {
    expect(hullWalk(groups, { kind: 'max_quality', maxCost: 0.5 }).feasible).toBe(false);
  });
});

describe('bounded change and the emitted spec', () => {
  it('moves at most the allowed share of requests', () => {
    const current = new Map([['default', { a: 1 }]]);
    const target = new Map([['default', { b: 1 }]]);
    const limited = limitChange(current, target, new Map([['default', 1]]), 0.2);
    expect(limited.moved).toBeCloseTo(0.2);
    expect(mixDistance(limited.mixes.get('default') ?? {}, { a: 1 })).toBeCloseTo(0.2);
  });
  it('weights are in (0, 1], zero shares are dropped, and rules end with a catch-all', () => {
    expect(targetsOf({ a: 0.6666, b: 0.3334, c: 0.0001 })).toEqual([
      { model_name: 'a', weight: 0.667 },
      { model_name: 'b', weight: 0.333 },
    ]);
    const base: PolicySpec = {
      spec_version: 'v1',
      kind: 'model',
      name: 'p',
      policy: { strategy: { mode: 'fallback', on_status_codes: [429] }, retry: { attempts: 1 }, targets: [{ model_name: 'a' }] },
    };
    const spec = emitSpec(base, { a: 1 }, [{ name: 'intent=code', when: { 'metadata.intent': { $eq: 'code' } }, mix: { b: 0.4, a: 0.6 } }]);
    expect(checkPolicySpec(spec).ok).toBe(true);
    expect(spec.policy.strategy.mode).toBe('conditional');
    expect(spec.policy.targets).toBeUndefined();
    expect(spec.policy.retry).toEqual({ attempts: 1 });
    expect(spec.policy.rules?.[0]?.when).toEqual({ 'metadata.intent': { $eq: 'code' } });
    expect(spec.policy.rules?.at(-1)?.when).toEqual({});
  });
});

describe('options key', () => {
  it('is stable under key order and absent options', () => {
    expect(optionsKey({ segment_by: 'x', max_cost_ratio: 0.5 })).toBe(
      optionsKey({ max_cost_ratio: 0.5, segment_by: 'x', max_change: undefined }),
    );
    expect(proposalId('r1', optionsKey({}))).toBe(proposalId('r1', optionsKey({})));
    expect(proposalId('r1', optionsKey({}))).not.toBe(proposalId('r2', optionsKey({})));
  });
});

describe('propose', () => {
  const data = routerbenchSynth({ n: 1500, seed: 'optimiser-unit' });
  const spec: PolicySpec = {
    spec_version: 'v1',
    kind: 'model',
    name: 'assistant',
    policy: { strategy: { mode: 'loadbalance' }, targets: [{ model_name: 'gpt-4-1106-preview', weight: 1 }] },
  };
  const results = evaluateVariant(spec, data.cases, buildOutcomeMatrix(data.outcomes), { rate: 1, seed: 's' });
  const input = (options: ProposeInput['options']): ProposeInput => ({
    runId: 'r',
    seed: 's',
    rate: 1,
    baseline: { name: 'assistant', version: 3, spec, results },
    cases: data.cases,
    outcomes: data.outcomes,
    options,
  });

  it('is deterministic: same run and options, same proposal', () => {
    expect(propose(input({ max_cost_ratio: 0.3, segment_by: 'eval_name' }))).toEqual(
      propose(input({ segment_by: 'eval_name', max_cost_ratio: 0.3 })),
    );
  });

  it('keeps the latency ceiling by leaving slow models out, and says so', () => {
    const draft = propose(input({ max_cost_ratio: 1, max_p95_ms: 2000 }));
    const models = JSON.stringify(draft.policy);
    expect(models).not.toContain('gpt-4-1106-preview');
    expect(models).not.toContain('claude-v2');
    expect(draft.rationale.join(' ')).toMatch(/Left out for the 2,000 ms p95 ceiling: claude-v2/);
    expect(draft.holdout.p95_ms).toBeLessThanOrEqual(2000);
    expect(() => propose(input({ max_p95_ms: 10 }))).toThrow(/--max-p95-ms: no model .* p95 under 10 ms/);
  });

  it('with --min-quality finds a cheaper policy at the asked quality', () => {
    const draft = propose(input({ min_quality: 0.7 }));
    expect(draft.train.quality).toBeGreaterThanOrEqual(0.699);
    expect(draft.holdout.cost_per_1k).toBeLessThan(draft.baseline.cost_per_1k / 2);
    expect(draft.status).toBe('pending');
  });

  it('recommends no change, with the reason, when it cannot beat the baseline under the ceiling', () => {
    // The baseline already is the best single model; at its own cost there is nothing to gain overall.
    const draft = propose(input({ max_cost_ratio: 1 }));
    expect(['pending', 'no_change']).toContain(draft.status);
    if (draft.status === 'no_change') expect(draft.reason).toMatch(/does not beat|over the ceiling/);
    const small = propose(input({ max_cost_per_1k: 0.01 }));
    expect(small.status).toBe('no_change');
    expect(small.rationale.at(-1)).toMatch(/^No change recommended: its holdout cost .* over the ceiling/);
  });

  it('rationale sentences carry numbers', () => {
    const draft = propose(input({ max_cost_ratio: 0.3, segment_by: 'eval_name' }));
    expect(draft.rationale.some((r) => /Holdout quality \d\.\d{3} \(95% CI/.test(r))).toBe(true);
    expect(draft.rationale.some((r) => /^Segment eval_name=\w+: \d+% /.test(r))).toBe(true);
  });
});

describe('segment rules', () => {
  it('keep a segment on a cheaper model that is as good there, even when the ceiling does not bind', () => {
    const cases = Array.from({ length: 400 }, (_, i) => ({
      case_id: `c${i}`,
      split: (i % 4 === 0 ? 'holdout' : 'train') as 'train' | 'holdout',
      timestamp: null,
      metadata: { intent: i < 200 ? 'faq' : 'code' },
      params: {},
      input_tokens: 0,
    }));
    const outcomes = cases.flatMap((c, i) => {
      const faq = i < 200;
      const score = (m: 'cheap' | 'dear') => (faq ? (i % 10 < 7 ? 1 : 0) : m === 'dear' ? (i % 10 < 8 ? 1 : 0) : i % 10 < 4 ? 1 : 0);
      return (['cheap', 'dear'] as const).map((m) => ({
        case_id: c.case_id,
        model: m,
        answered_by: m,
        status: 200,
        output: null,
        score: score(m),
        pass: null,
        reason: null,
        cost_usd: m === 'cheap' ? 0.0001 : 0.01,
        latency_ms: 100,
        input_tokens: null,
        output_tokens: null,
        source: 'recorded' as const,
      }));
    });
    const base: PolicySpec = {
      spec_version: 'v1',
      kind: 'model',
      name: 'p',
      policy: { strategy: { mode: 'loadbalance' }, targets: [{ model_name: 'dear' }] },
    };
    const results = evaluateVariant(base, cases, buildOutcomeMatrix(outcomes), { rate: 1, seed: 's' });
    const draft = propose({
      runId: 'r',
      seed: 's',
      rate: 1,
      baseline: { name: 'p', version: 1, spec: base, results },
      cases,
      outcomes,
      options: { segment_by: 'intent', max_cost_ratio: 2 },
    });
    expect(draft.segments.find((s) => s.key === 'faq')?.kept).toBe(true);
    expect(draft.mixes['seg:faq']).toEqual({ cheap: 1 });
    expect(draft.rationale.join(' ')).toMatch(/Segment intent=faq: 100% cheap/);
    expect(draft.status).toBe('pending'); // same quality, about half the cost
  });
});
