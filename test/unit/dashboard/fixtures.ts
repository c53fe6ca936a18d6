import type { PromotionsData, ProposalData, RunDetailData, RunsData } from '../../../src/dashboard/data/dashboard-data.js';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import { createRng } from '../../../src/domain/rng.js';

/** Plain dashboard data as the loaders return it, with hostile text where traffic text appears. */

export const EVIL = '\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\u202eevil\x1b]8;;https://x.example\x1b\\link\x1b]8;;\x1b\\';

export function spec(weights: Record<string, number>, rules?: PolicySpec['policy']['rules']): PolicySpec {
  return {
    spec_version: 'v1',
    kind: 'model',
    name: 'support-router',
    policy: {
      strategy: { mode: 'loadbalance' },
      targets: Object.entries(weights).map(([model_name, weight]) => ({ model_name, weight })),
      ...(rules ? { rules } : {}),
    },
  };
}

export function runsData(): RunsData {
  return {
    runs: [
      {
        runId: 'run_live',
        createdAt: new Date('2026-11-21T02:00:00Z'),
        finishedAt: null,
        policyName: 'support-router',
        status: 'running',
        sourceKind: 'sample',
        sourceName: 'nightly',
        coverage: null,
        costUsd: 0.12,
        pairs: 200,
        outcomesDone: 90,
        proposal: null,
      },
      {
        runId: 'run_0001',
        createdAt: new Date('2026-11-20T02:00:00Z'),
        finishedAt: new Date('2026-11-20T02:05:00Z'),
        policyName: `support${EVIL}`,
        status: 'completed',
        sourceKind: 'sample',
        sourceName: 'nightly',
        coverage: 0.985,
        costUsd: 0.42,
        pairs: 120,
        outcomesDone: 120,
        proposal: { id: 'prop_1', status: 'pending' },
      },
    ],
  };
}

export function runDetailData(): RunDetailData {
  const rng = createRng('fixture');
  const models = { 'model-a': [0.85, 0.004, 900], 'model-b': [0.7, 0.001, 400], [`model-c${EVIL}`]: [0.55, 0.0004, 250] } as const;
  const cases = Array.from({ length: 40 }, (_, i) => ({
    caseId: `c${i}`,
    split: i % 10 < 7 ? 'train' : 'holdout',
    segment: i % 2 ? 'billing' : 'tech',
  }));
  const outcomes = cases.flatMap((c) =>
    Object.entries(models).map(([model, [q, cost, lat]]) => {
      const pass = rng.next() < q;
      return {
        caseId: c.caseId,
        model,
        score: pass ? 1 : 0,
        pass,
        costUsd: cost,
        latencyMs: lat * (0.5 + rng.next()),
        status: rng.next() < 0.02 ? 500 : 200,
      };
    }),
  );
  const get = (caseId: string, model: string) => outcomes.find((o) => o.caseId === caseId && o.model === model)!;
  return {
    run: { ...runsData().runs[1]!, policyName: 'support-router', seed: 's1', error: null, notes: [] },
    segmentBy: 'intent',
    cases,
    outcomes,
    variants: [
      { idx: 0, name: 'support-router', version: 1, isBaseline: true },
      { idx: 1, name: 'premium', version: null, isBaseline: false },
    ],
    results: cases.flatMap((c) => [
      {
        variantIdx: 0,
        caseId: c.caseId,
        quality: (get(c.caseId, 'model-a').score + get(c.caseId, 'model-b').score) / 2,
        costUsd: 0.0025,
        latencyMs: 650,
        pError: 0,
        failure: null,
      },
      {
        variantIdx: 1,
        caseId: c.caseId,
        quality: get(c.caseId, 'model-a').score,
        costUsd: 0.004,
        latencyMs: 900,
        pError: 0,
        failure: null,
      },
    ]),
    proposals: [{ id: 'prop_1', status: 'pending' }],
  };
}

export function proposalData(overrides: Partial<ProposalData> = {}): ProposalData {
  return {
    id: 'prop_1',
    runId: 'run_0001',
    policyName: 'support-router',
    status: 'pending',
    baseVersion: 1,
    activeVersion: 1,
    baseSpec: spec({ 'model-a': 0.5, 'model-b': 0.5 }),
    spec: spec({ 'model-a': 0.8, 'model-b': 0.2 }, [
      { name: 'billing', when: { 'metadata.intent': { $eq: 'billing' } }, targets: [{ model_name: 'model-b', weight: 1 }] },
    ]),
    options: { max_cost_ratio: 1.2, segment_by: 'intent' },
    train: { quality: 0.8, quality_ci: [0.76, 0.84], cost_per_1k: 3.1, p95_ms: 1200 },
    holdout: { quality: 0.79, quality_ci: [0.74, 0.84], cost_per_1k: 3.2, p95_ms: 1250 },
    baseline: { quality: 0.76, quality_ci: [0.71, 0.81], cost_per_1k: 2.5, p95_ms: 1100 },
    holdoutDiff: { mean: 0.03, ci: [0.01, 0.05], p_value: 0.004 },
    rationale: ['model-a is 15 points better on tech.', `Injected: ${EVIL}`],
    decidedBy: null,
    decidedAt: null,
    comment: null,
    promotedVersion: null,
    segmentBy: 'intent',
    segmentCounts: { billing: 20, tech: 20 },
    ...overrides,
  };
}

export function promotionsData(): PromotionsData {
  return {
    policies: [
      { name: 'support-router', activeVersion: 2, versions: 2 },
      { name: 'triage', activeVersion: 1, versions: 1 },
    ],
    history: [
      {
        id: 'promo_1',
        policyName: 'support-router',
        kind: 'promote',
        state: 'deployed',
        fromVersion: 1,
        toVersion: 2,
        proposalId: 'prop_1',
        actor: `alice${EVIL}`,
        comment: 'ship it',
        exports: ['/tmp/x.yaml'],
        createdAt: new Date('2026-11-21T09:00:00Z'),
      },
    ],
  };
}
