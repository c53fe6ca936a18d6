import type { CatalogEntry } from '../../src/domain/catalog-entry.js';
import type { GoldenCase } from '../../src/domain/golden-case.js';
import type { PolicySpec } from '../../src/domain/policy-spec.js';
import { createRun } from '../../src/jobs/create-run.js';
import { planRun } from '../../src/jobs/plan-run.js';
import type { Db } from '../../src/store/db.js';
import { upsertModels } from '../../src/store/repos/catalog-repo.js';
import { importGoldenSet } from '../../src/store/repos/golden-repo.js';
import { addPolicyVersion } from '../../src/store/repos/policy-repo.js';

/** The API key planted by every scenario: it must appear nowhere but in the Authorization header. */
export const CANARY = 'sk-rl-canary-0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c';
export const CANARY_ENV = 'RL_RELIABILITY_KEY';

export function catalogEntry(name: string, baseUrl: string): CatalogEntry {
  return {
    name,
    base_url: baseUrl,
    api_key_env: CANARY_ENV,
    price: { input_per_m: 1, output_per_m: 2 },
    context_window: null,
    concurrency: 8,
    rate_limit_rpm: null,
    simulated: null,
  };
}

export function policySpec(name: string, models: string[], mode: 'loadbalance' | 'fallback' = 'loadbalance'): PolicySpec {
  return {
    spec_version: 'v1',
    kind: 'model',
    name,
    policy: {
      strategy: { mode, on_status_codes: [429, 500, 502, 503] },
      retry: { attempts: 1, on_status_codes: [429, 503] },
      targets: models.map((model_name) => ({ model_name, weight: Math.round((1 / models.length) * 100) / 100 })),
    },
  } as PolicySpec;
}

/** Cases "what is i + 1?" with an assertion the model server's answer passes. */
export function arithmeticCases(n: number, prefix = 'c'): GoldenCase[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${String(i).padStart(6, '0')}`,
    input: { messages: [{ role: 'user' as const, content: `case ${prefix}${i}: what is ${i} + 1?` }] },
    metadata: { intent: i % 3 === 0 ? 'math' : 'chat' },
    reference: String(i + 1),
    assertions: [{ type: 'numeric' as const, tolerance: 1e-6, weight: 1 }],
    reviewed: true,
  }));
}

export interface SeededRun {
  runId: string;
  pairs: number;
  chunks: number[];
  models: string[];
}

export interface SeedOptions {
  baseUrl: string;
  cases: number;
  models?: string[];
  variants?: number;
  chunkSize?: number;
  policy?: string;
  /** The baseline's strategy (default loadbalance); variants alternate fallback / loadbalance. */
  mode?: 'loadbalance' | 'fallback';
}

/** Catalog (models on `baseUrl`), a baseline policy plus variants over the same models, a golden set. */
export async function seedInputs(
  db: Db,
  options: SeedOptions,
): Promise<{ policy: string; variants: string[]; golden: string; models: string[] }> {
  const models = options.models ?? ['rel/model-a', 'rel/model-b'];
  await upsertModels(
    db,
    models.map((m) => catalogEntry(m, options.baseUrl)),
  );
  const policy = options.policy ?? 'rel-policy';
  await addPolicyVersion(db, policySpec(policy, models, options.mode ?? 'loadbalance'), { sourceFormat: 'watsonx', origin: 'import' });
  const variants: string[] = [];
  for (let i = 0; i < (options.variants ?? 1); i++) {
    const name = `${policy}-v${i + 1}`;
    await addPolicyVersion(db, policySpec(name, models, i % 2 === 0 ? 'fallback' : 'loadbalance'), {
      sourceFormat: 'watsonx',
      origin: 'import',
    });
    variants.push(name);
  }
  const golden = `${policy}-golden`;
  await importGoldenSet(db, golden, arithmeticCases(options.cases), 'reliability');
  return { policy, variants, golden, models };
}

/** seedInputs, then a planned run over them. Nothing is enqueued. */
export async function seedRun(db: Db, options: SeedOptions): Promise<SeededRun> {
  const { policy, variants, golden, models } = await seedInputs(db, options);
  const { run_id } = await createRun(
    db,
    {
      policy,
      variants: variants.map((name) => ({ kind: 'policy' as const, name })),
      source: { kind: 'golden', name: golden },
      holdout: 0.3,
    },
    { clock: { now: () => Date.now() } },
  );
  const plan = await planRun(db, run_id, { chunkSize: options.chunkSize ?? 8 });
  return { runId: run_id, pairs: plan.pairs, chunks: plan.chunks, models };
}
