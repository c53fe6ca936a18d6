import { eq } from 'drizzle-orm';
import { createRng } from '../../../src/domain/rng.js';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import type { Db } from '../../../src/store/db.js';
import { policies, policyVersions } from '../../../src/store/schema/policy.js';
import { proposals } from '../../../src/store/schema/proposals.js';
import { beginPromotion, completePromotion } from '../../../src/store/repos/promotion-repo.js';
import { beginRollback } from '../../../src/store/repos/rollback-repo.js';
import { runCases, runOutcomes, runs, runVariants, variantResults } from '../../../src/store/schema/runs.js';

/** A finished run with outcomes, two variants and proposals, written through the real schema. */

export const POLICY = 'support-router';

export function spec(weights: Record<string, number>, rules?: PolicySpec['policy']['rules']): PolicySpec {
  return {
    spec_version: 'v1',
    kind: 'model',
    name: POLICY,
    description: 'support traffic',
    policy: {
      strategy: { mode: 'loadbalance', on_status_codes: [429, 500] },
      retry: { attempts: 1, on_status_codes: [503] },
      targets: Object.entries(weights).map(([model_name, weight]) => ({ model_name, weight })),
      ...(rules ? { rules } : {}),
    },
  };
}

const MODELS: Record<string, { quality: number; cost: number; latency: number }> = {
  'model-a': { quality: 0.82, cost: 0.004, latency: 900 },
  'model-b': { quality: 0.7, cost: 0.001, latency: 400 },
  'model-c': { quality: 0.6, cost: 0.0004, latency: 250 },
};

export interface Seeded {
  policyId: number;
  v1: number;
  runId: string;
  proposalIds: string[];
}

export async function seedReview(db: Db, options: { proposals?: number; runId?: string; cases?: number } = {}): Promise<Seeded> {
  const rng = createRng('seed-review');
  const [policy] = await db.insert(policies).values({ name: POLICY }).returning({ id: policies.id });
  const policyId = (policy as { id: number }).id;
  const [v] = await db
    .insert(policyVersions)
    .values({
      policyId,
      version: 1,
      spec: spec({ 'model-a': 0.5, 'model-b': 0.5 }),
      sourceFormat: 'watsonx',
      origin: 'add',
      isActive: true,
      createdBy: 'setup',
    })
    .returning({ id: policyVersions.id });
  const v1 = (v as { id: number }).id;
  const runId = options.runId ?? 'run_0001';
  await db.insert(runs).values({
    id: runId,
    policyId,
    baseVersionId: v1,
    sourceKind: 'sample',
    sourceName: 'nightly',
    status: 'completed',
    seed: 'seed-1',
    holdout: 0.3,
    pairs: 0,
    costUsd: 0.42,
    coverage: 1,
    createdAt: new Date('2026-11-20T02:00:00Z'),
    finishedAt: new Date('2026-11-20T02:05:00Z'),
  });
  const n = options.cases ?? 40;
  const cases = Array.from({ length: n }, (_, i) => ({
    runId,
    caseId: `c${String(i).padStart(3, '0')}`,
    split: i % 10 < 7 ? 'train' : 'holdout',
    metadata: { intent: i % 2 ? 'billing' : 'tech' },
    params: {},
    inputTokens: 100,
  }));
  await db.insert(runCases).values(cases);
  const outcomes = cases.flatMap((c) =>
    Object.entries(MODELS).map(([model, m]) => {
      const pass = rng.next() < m.quality;
      return {
        runId,
        caseId: c.caseId,
        model,
        status: 200,
        output: 'ok',
        score: pass ? 1 : 0,
        pass,
        costUsd: m.cost,
        latencyMs: m.latency * (0.5 + rng.next()),
        source: 'recorded',
      };
    }),
  );
  await db.insert(runOutcomes).values(outcomes);
  await db.insert(runVariants).values([
    { runId, idx: 0, name: POLICY, versionId: v1, version: 1, spec: spec({ 'model-a': 0.5, 'model-b': 0.5 }), isBaseline: true },
    { runId, idx: 1, name: 'cheap', spec: spec({ 'model-c': 1 }), isBaseline: false },
  ]);
  const byCase = new Map(outcomes.map((o) => [`${o.caseId}/${o.model}`, o]));
  await db.insert(variantResults).values(
    cases.flatMap((c) => {
      const a = byCase.get(`${c.caseId}/model-a`)!;
      const b = byCase.get(`${c.caseId}/model-b`)!;
      const cc = byCase.get(`${c.caseId}/model-c`)!;
      return [
        {
          runId,
          variantIdx: 0,
          caseId: c.caseId,
          quality: (a.score + b.score) / 2,
          costUsd: (a.costUsd + b.costUsd) / 2,
          latencyMs: (a.latencyMs + b.latencyMs) / 2,
          pError: 0,
          pGuardrailBlock: 0,
          pBudgetBlock: 0,
        },
        {
          runId,
          variantIdx: 1,
          caseId: c.caseId,
          quality: cc.score,
          costUsd: cc.costUsd,
          latencyMs: cc.latencyMs,
          pError: 0.01,
          pGuardrailBlock: 0,
          pBudgetBlock: 0,
        },
      ];
    }),
  );
  const proposalIds: string[] = [];
  const count = options.proposals ?? 1;
  for (let i = 0; i < count; i++) {
    const id = `prop_${runId}_${i}`;
    proposalIds.push(id);
    await db.insert(proposals).values({
      id,
      runId,
      policyId,
      baseVersionId: v1,
      optionsKey: `k${i}`,
      options: { max_cost_ratio: 1.2, segment_by: 'intent' },
      status: 'pending',
      spec: spec({ 'model-a': 0.8, 'model-b': 0.2 }, [
        { name: 'billing', when: { 'metadata.intent': { $eq: 'billing' } }, targets: [{ model_name: 'model-b', weight: 1 }] },
      ]),
      train: { quality: 0.8, quality_ci: [0.76, 0.84], cost_per_1k: 3.1, p95_ms: 1200 },
      holdout: { quality: 0.79, quality_ci: [0.74, 0.84], cost_per_1k: 3.2, p95_ms: 1250 },
      baseline: { quality: 0.76, quality_ci: [0.71, 0.81], cost_per_1k: 2.5, p95_ms: 1100 },
      holdoutDiff: { mean: 0.03, ci: [0.01, 0.05], p_value: 0.004 },
      rationale: [
        'model-a answers 12 points better on tech questions at 4x the cost.',
        'The cost ceiling (1.2x) leaves room for 80% model-a.',
      ],
      createdAt: new Date(Date.UTC(2026, 10, 20, 3, i)),
    });
  }
  return { policyId, v1, runId, proposalIds };
}

/** Journal a promotion and complete it, as a deploy that succeeded would (no export, no command). */
export async function promoteProposal(db: Db, proposalId: string, input: { actor: string; comment?: string | null; at: Date }) {
  const entry = await beginPromotion(db, proposalId, { ...input, owner: 'test:0' });
  await completePromotion(db, entry);
  return entry;
}

/** Journal a rollback and complete it, as a deploy that succeeded would. */
export async function rollbackPolicy(db: Db, policyName: string, input: { to?: number; actor: string; comment?: string | null; at: Date }) {
  const entry = await beginRollback(db, policyName, { ...input, owner: 'test:0' });
  await completePromotion(db, entry);
  return { promotionId: entry.promotionId, policyName, fromVersion: entry.fromVersion, toVersion: entry.toVersion };
}

/**
 * The seeded proposals route by rules, which the watsonx export refuses (it has no rules): tests of
 * the promotion path itself drop them first.
 */
export async function dropRules(db: Db, proposalId: string): Promise<void> {
  await db
    .update(proposals)
    .set({ spec: spec({ 'model-a': 0.8, 'model-b': 0.2 }) })
    .where(eq(proposals.id, proposalId));
}
