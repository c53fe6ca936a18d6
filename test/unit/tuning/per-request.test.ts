import { describe, expect, it } from 'vitest';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import { createRng } from '../../../src/domain/rng.js';
import { requestInput } from '../../../src/domain/request-input.js';
import { createRouterState, decide, exportPolicy } from '../../../src/policy/index.js';
import { buildOutcomeMatrix, evaluateVariant } from '../../../src/replay/index.js';
import { propose, type ProposeInput } from '../../../src/tuning/propose.js';
import { keywordCases } from '../../fixtures/tuning/keyword-cases.js';

const { cases, outcomes } = keywordCases();
const base: PolicySpec = { spec_version: 'v1', kind: 'model', name: 'assistant', policy: { strategy: { mode: 'loadbalance' }, targets: [{ model_name: 'large' }] } };
const results = evaluateVariant(base, cases, buildOutcomeMatrix(outcomes), { rate: 1, seed: 's' });
const input = (options: ProposeInput['options']): ProposeInput => ({ runId: 'r', seed: 's', rate: 1, baseline: { name: 'assistant', version: 1, spec: base, results }, cases, outcomes, options });

function routedTo(spec: PolicySpec, text: string): string | undefined {
  const d = decide(spec, { metadata: {}, params: {}, input_tokens: 20, timestamp_ms: 0, input: requestInput([{ role: 'user', content: text }]) }, createRouterState(), createRng('t'));
  return d.kind === 'route' ? d.plan[0]?.model : undefined;
}

describe('per-request rules', () => {
  const ceiling = { max_cost_ratio: 0.1 };
  const draft = propose(input({ ...ceiling, per_request: true, learner: 'rules' }));

  it('finds the keyword that decides the model, chosen by cross-validation inside train', () => {
    expect(draft.learner.kind).toBe('tree');
    expect(draft.learner.candidates.filter((c) => c.chosen)).toHaveLength(1);
    // The first rule (and only the rules on its branch) test the keyword; mixes come from the hull walk.
    expect(JSON.stringify(draft.rules[0]?.when)).toContain('{"input.text":{"$regex":"\\\\bpython\\\\b","$options":"i"}}');
    const top = (mix: Record<string, number> | undefined) => Object.entries(mix ?? {}).sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(top(draft.rules[0]?.mix)).toBe('coder');
    expect(top(draft.rules.at(-1)?.mix)).toBe('general');
  });

  it('the router applies the learned rule at request time, to text it never saw', () => {
    expect(routedTo(draft.policy, 'Can you fix this PYTHON script for me?')).toBe('coder');
    expect(routedTo(draft.policy, 'Which river is the longest in Africa?')).toBe('general');
  });

  it('beats one mix for all on the holdout, is recommended, and stays deterministic', () => {
    const global = propose(input(ceiling));
    expect(draft.holdout.quality).toBeGreaterThan(global.holdout.quality + 0.2);
    // Fitted to the ceiling on train; on the holdout it is not significantly over it.
    expect(draft.constraint.met).toBe(true);
    expect(draft.train.cost_per_1k).toBeLessThanOrEqual(draft.constraint.bound * 1.01); // weights are emitted to 3 decimals
    expect(draft.recommended).toBe(true);
    expect(propose(input({ ...ceiling, per_request: true, learner: 'rules' }))).toEqual(draft);
  });

  it('gateways that cannot evaluate request text refuse the rule by name', () => {
    const portkey = exportPolicy(draft.policy, 'portkey');
    expect(portkey.ok).toBe(false);
    if (!portkey.ok) expect(portkey.error.map((i) => i.message).join('\n')).toMatch(/input\.text is derived by routelab/);
  });
});
