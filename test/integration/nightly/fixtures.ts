import { stringify } from 'yaml';
import type { CatalogEntry } from '../../../src/domain/catalog-entry.js';
import type { GoldenCase } from '../../../src/domain/golden-case.js';
import { createRun } from '../../../src/jobs/create-run.js';
import { planRun } from '../../../src/jobs/plan-run.js';
import { createProcessors } from '../../../src/jobs/processors.js';
import type { CacheMode } from '../../../src/jobs/run-request.js';
import { runReport, type RunReport } from '../../../src/jobs/run-summary.js';
import { parsePolicyTextOrThrow } from '../../../src/policy/index.js';
import type { ChatClient } from '../../../src/providers/index.js';
import { runInProcess } from '../../../src/queue/in-process-runner.js';
import type { Db } from '../../../src/store/db.js';
import { upsertModels } from '../../../src/store/repos/catalog-repo.js';
import { importGoldenSet } from '../../../src/store/repos/golden-repo.js';
import { addPolicyVersion } from '../../../src/store/repos/policy-repo.js';

/** Questions whose right answer is the number in them: an endpoint can be scripted to drift. */
export const questions = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `q${i}`, question: `Say the number ${i + 10}.`, answer: String(i + 10) }));
export const QUESTIONS = questions(8);

/** The number a request asks for (the scripted endpoint answers it right, or drifts). */
export function askedNumber(body: string): string {
  const m = /number (\d+)/.exec(body);
  return m?.[1] ?? '0';
}

/** One real OpenAI-compatible model (a loopback server), a single-target policy and an exact-match golden set. */
export async function seedDrift(
  db: Db,
  baseUrl: string,
  opts: { ttlS?: number; cases?: number } = {},
): Promise<{ policy: string; golden: string }> {
  const entry: CatalogEntry = {
    name: 'drift/m',
    base_url: baseUrl,
    api_key_env: null,
    price: { input_per_m: 1, output_per_m: 2 },
    context_window: null,
    concurrency: 4,
    rate_limit_rpm: null,
    simulated: null,
    ...(opts.ttlS ? { cache_ttl_s: opts.ttlS } : {}),
  };
  await upsertModels(db, [entry]);
  const spec = parsePolicyTextOrThrow(
    stringify({
      spec_version: 'v1',
      kind: 'model',
      name: 'drift-policy',
      policy: { strategy: { mode: 'single' }, targets: [{ model_name: 'drift/m' }] },
    }),
    { file: 'drift-policy.yaml' },
  ).spec;
  await addPolicyVersion(db, spec, { sourceFormat: 'watsonx', origin: 'import' });
  const cases: GoldenCase[] = questions(opts.cases ?? QUESTIONS.length).map((q) => ({
    id: q.id,
    input: { messages: [{ role: 'user', content: q.question }] },
    metadata: {},
    reference: q.answer,
    assertions: [{ type: 'exact', weight: 1 }],
    reviewed: true,
  }));
  await importGoldenSet(db, 'drift-golden', cases, 'drift-golden.yaml');
  return { policy: spec.name, golden: 'drift-golden' };
}

export interface NightOptions {
  at: number;
  seed: string;
  cache?: CacheMode;
  refresh_rate?: number;
}

/** One run over the golden set at a given time, processed in this process; its summary. */
export async function runNight(db: Db, chat: ChatClient, seeded: { policy: string; golden: string }, o: NightOptions): Promise<RunReport> {
  const clock = { now: () => o.at };
  const { run_id } = await createRun(
    db,
    {
      policy: seeded.policy,
      source: { kind: 'golden', name: seeded.golden },
      seed: o.seed,
      cache: o.cache ?? 'use',
      refresh_rate: o.refresh_rate ?? 0,
    },
    { clock },
  );
  const plan = await planRun(db, run_id);
  await runInProcess(createProcessors(db, { chat, clock }), run_id, plan.chunks, { concurrency: 2 });
  const report = await runReport(db, run_id);
  if (!report) throw new Error('run vanished');
  return report;
}
