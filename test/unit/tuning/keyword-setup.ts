import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import { createRng } from '../../../src/domain/rng.js';
import { requestInput } from '../../../src/domain/request-input.js';
import { createRouterState, decide } from '../../../src/policy/index.js';
import { buildOutcomeMatrix, evaluateVariant } from '../../../src/replay/index.js';
import type { ProposeInput } from '../../../src/tuning/propose.js';
import { keywordCases } from '../../fixtures/tuning/keyword-cases.js';

/** Shared setup of the per-request tuning tests: the keyword cases, a loadbalance baseline and its results. */

export const { cases, outcomes } = keywordCases();
export const base: PolicySpec = {
  spec_version: 'v1',
  kind: 'model',
  name: 'assistant',
  policy: { strategy: { mode: 'loadbalance' }, targets: [{ model_name: 'large' }] },
};
export const results = evaluateVariant(base, cases, buildOutcomeMatrix(outcomes), { rate: 1, seed: 's' });
export const input = (options: ProposeInput['options']): ProposeInput => ({
  runId: 'r',
  seed: 's',
  rate: 1,
  baseline: { name: 'assistant', version: 1, spec: base, results },
  cases,
  outcomes,
  options,
});

/** The first model a spec routes a user message with this text to. */
export function routedTo(spec: PolicySpec, text: string): string | undefined {
  const d = decide(
    spec,
    { metadata: {}, params: {}, input_tokens: 20, timestamp_ms: 0, input: requestInput([{ role: 'user', content: text }]) },
    createRouterState(),
    createRng('t'),
  );
  return d.kind === 'route' ? d.plan[0]?.model : undefined;
}
