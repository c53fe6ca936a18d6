import { describe, expect, it } from 'vitest';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import { PolicySpec as PolicySpecSchema } from '../../../src/domain/policy-spec.js';
import { createRng } from '../../../src/domain/rng.js';
import { requestInput } from '../../../src/domain/request-input.js';
import { createRouterState, decide, exportPolicy } from '../../../src/policy/index.js';
import { hashedNgrams, scorerFeatures } from '../../../src/policy/text-features.js';
import { parseField } from '../../../src/domain/request-field.js';
import { validateSpec } from '../../../src/policy/validate.js';
import { propose } from '../../../src/tuning/propose.js';
import { base, input, routedTo } from './keyword-setup.js';

describe('hashed n-grams', () => {
  it('are case-blind, deterministic, within the dimension, and read words without a regex', () => {
    const a = hashedNgrams('Fix my PYTHON loop!', 4096);
    expect([...a]).toEqual([...hashedNgrams('fix my python   loop', 4096)]);
    expect(a.length).toBe(7); // 4 words + 3 neighbouring pairs (no collision at this size)
    expect([...a].every((b) => b >= 0 && b < 4096)).toBe(true);
    expect([...hashedNgrams('', 4096)]).toEqual([]);
  });

  it('a listed request field adds one bucket of weight 1 beside the scaled text buckets', () => {
    const req = {
      metadata: { eval_name: 'gsm8k' },
      params: {},
      input_tokens: 3,
      input: requestInput([{ role: 'user', content: 'add two numbers' }]),
    };
    const field = parseField('metadata.eval_name', 'error');
    if (!field.ok) throw new Error(field.message);
    const plain = scorerFeatures(req, [], 4096);
    const withField = scorerFeatures(req, [field.field], 4096);
    expect([...plain.val]).toEqual(Array.from({ length: 5 }, () => 1 / Math.sqrt(5)));
    expect(withField.idx.length).toBe(6);
    expect([...withField.val].filter((v) => v === 1)).toHaveLength(1);
    const other = scorerFeatures({ ...req, metadata: { eval_name: 'mmlu' } }, [field.field], 4096);
    expect([...other.idx]).not.toEqual([...withField.idx]);
  });

  it('validation names a scorer field that is not a request field', () => {
    const spec: PolicySpec = {
      ...base,
      policy: {
        ...base.policy,
        scorer: {
          kind: 'hashed_ngrams',
          dim: 16,
          lambda: 0,
          fields: ['eval_name'],
          models: [{ model_name: 'large', cost: 0, bias: 0, weights: [[3, 0.5]] }],
        },
      },
    };
    expect(validateSpec(spec).map((i) => i.path.join('.'))).toEqual(['policy.scorer.fields.0']);
  });
});

describe('learned scorer proposal', () => {
  const ceiling = { max_cost_ratio: 0.1 };
  const draft = propose(input({ ...ceiling, per_request: true, learner: 'scorer' }));

  it('is stored in the policy as a typed scorer block, fitted under the one cost ceiling', () => {
    expect(draft.learner.kind).toBe('scorer');
    expect(draft.learner.candidates.find((c) => c.chosen)?.name).toMatch(/learned scorer/);
    const scorer = draft.policy.policy.scorer;
    expect(scorer?.kind).toBe('hashed_ngrams');
    expect(scorer?.models.map((m) => m.model_name).sort()).toEqual(['coder', 'general', 'large']);
    expect(PolicySpecSchema.parse(draft.policy)).toEqual(draft.policy);
    expect(draft.rationale.join('\n')).toMatch(/only by routelab's router/);
  });

  it('the router routes unseen text as trained', () => {
    // Texts not in the fixture (which numbers every case), made of the words it taught the scorer.
    expect(routedTo(draft.policy, 'Write a PYTHON loop that sums a list.')).toBe('coder');
    expect(routedTo(draft.policy, 'What is the capital of Peru?')).toBe('general');
    // The decision says why.
    const d = decide(
      draft.policy,
      {
        metadata: {},
        params: {},
        input_tokens: 20,
        timestamp_ms: 0,
        input: requestInput([{ role: 'user', content: 'Explain Python list decorators.' }]),
      },
      createRouterState(),
      createRng('t'),
    );
    // (With a boundary mix the reason also names the model at the mix's price, and the draw.)
    expect(d.reasons.some((r) => /^scorer chose coder\b/.test(r))).toBe(true);
  });

  it('beats one mix for all on the holdout within the ceiling, and is deterministic', () => {
    const global = propose(input(ceiling));
    expect(draft.holdout.quality).toBeGreaterThan(global.holdout.quality + 0.2);
    expect(draft.constraint.met).toBe(true);
    expect(propose(input({ ...ceiling, per_request: true, learner: 'scorer' }))).toEqual(draft);
  });

  it('every export format refuses it by field name', () => {
    for (const format of ['watsonx', 'watsonx-json', 'portkey', 'litellm', 'orq'] as const) {
      const out = exportPolicy(draft.policy, format);
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.error.map((i) => `${i.field}: ${i.message}`).join('\n')).toMatch(/policy\.scorer: .*learned scorer/);
    }
  });
});
