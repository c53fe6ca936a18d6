import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import { buildOutcomeMatrix, evaluateVariant } from '../../../src/replay/index.js';
import type { Db } from '../../../src/store/db.js';
import { policies, policyVersions } from '../../../src/store/schema/policy.js';
import { runCases, runOutcomes, runs, runVariants, variantResults } from '../../../src/store/schema/runs.js';
import { routerbenchSynth } from '../../fixtures/tuning/routerbench-synth.js';

export const POLICY = 'bench-router';

export const baselineSpec: PolicySpec = {
  spec_version: 'v1',
  kind: 'model',
  name: POLICY,
  description: 'RouterBench-shaped traffic',
  policy: {
    strategy: { mode: 'loadbalance', on_status_codes: [429, 500] },
    targets: [
      { model_name: 'gpt-4-1106-preview', weight: 0.5 },
      { model_name: 'claude-v2', weight: 0.5 },
    ],
  },
};

/** A completed run over synthetic RouterBench-shaped outcomes, written through the real schema. */
export async function seedRun(db: Db, runId = 'run_synth', n = 600): Promise<{ runId: string; policyId: number; versionId: number }> {
  const data = routerbenchSynth({ n, seed: 'integration' });
  const [policy] = await db.insert(policies).values({ name: POLICY }).returning({ id: policies.id });
  const policyId = (policy as { id: number }).id;
  const [v] = await db
    .insert(policyVersions)
    .values({ policyId, version: 1, spec: baselineSpec, sourceFormat: 'watsonx', origin: 'add', isActive: true })
    .returning({ id: policyVersions.id });
  const versionId = (v as { id: number }).id;
  await db.insert(runs).values({
    id: runId,
    policyId,
    baseVersionId: versionId,
    sourceKind: 'outcomes',
    sourceName: 'synth',
    status: 'completed',
    seed: 'seed-1',
    holdout: 0.3,
  });
  await db.insert(runVariants).values({ runId, idx: 0, name: `${POLICY}@v1`, versionId, version: 1, spec: baselineSpec, isBaseline: true });
  for (let i = 0; i < data.cases.length; i += 500) {
    await db
      .insert(runCases)
      .values(
        data.cases
          .slice(i, i + 500)
          .map((c) => ({ runId, caseId: c.case_id, split: c.split, metadata: c.metadata, params: c.params, inputTokens: c.input_tokens })),
      );
  }
  for (let i = 0; i < data.outcomes.length; i += 1000) {
    await db.insert(runOutcomes).values(
      data.outcomes.slice(i, i + 1000).map((o) => ({
        runId,
        caseId: o.case_id,
        model: o.model,
        answeredBy: o.answered_by,
        status: o.status,
        output: o.output,
        score: o.score,
        pass: o.pass,
        reason: o.reason,
        costUsd: o.cost_usd,
        latencyMs: o.latency_ms,
        inputTokens: o.input_tokens,
        outputTokens: o.output_tokens,
        source: o.source,
      })),
    );
  }
  const results = evaluateVariant(baselineSpec, data.cases, buildOutcomeMatrix(data.outcomes), { rate: 1, seed: 'seed-1' });
  for (let i = 0; i < results.length; i += 500) {
    await db.insert(variantResults).values(
      results.slice(i, i + 500).map((r) => ({
        runId,
        variantIdx: 0,
        caseId: r.case_id,
        quality: r.quality,
        costUsd: r.cost_usd,
        latencyMs: r.latency_ms,
        pError: r.p_error,
        pGuardrailBlock: r.p_guardrail_block,
        pBudgetBlock: r.p_budget_block,
        served: r.served,
        path: r.path,
        flagged: r.flagged,
      })),
    );
  }
  return { runId, policyId, versionId };
}
