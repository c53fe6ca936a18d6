import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../../src/policy/index.js';
import { propose } from '../../../src/tuning/propose.js';
import { input, routedTo } from './keyword-setup.js';

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
