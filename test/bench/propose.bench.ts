/**
 * `propose` at scale: 100,000 generated recorded cases × 11 models (1.1M outcomes) in Postgres. The
 * figure is the whole `proposeForRun` — load the run, cross-validate segments and per-request rule
 * trees, fit, check, refit, store — as a ratio to reading the same run's outcome matrix from the
 * store (loadRunData) in the same process. Target: ratio ≤ 3. PROPOSE_BENCH_N sets the case count
 * (a busy machine can measure at 20,000 and say so).
 */
import { proposeForRun } from '../../src/app/propose-run.js';
import type { Outcome } from '../../src/domain/outcome.js';
import type { PolicySpec } from '../../src/domain/policy-spec.js';
import { requestInput } from '../../src/domain/request-input.js';
import { createRng } from '../../src/domain/rng.js';
import type { RunCase } from '../../src/domain/run.js';
import { buildOutcomeMatrix, evaluateVariant } from '../../src/replay/index.js';
import { splitOf } from '../../src/replay/split.js';
import { insertOutcomes, insertRunCases, insertVariantResults, loadRunData } from '../../src/store/repos/run-repo.js';
import { policies, policyVersions } from '../../src/store/schema/policy.js';
import { runs, runVariants } from '../../src/store/schema/runs.js';
import { openTestStore } from '../helpers/stores.js';
import { result, timeMs, type BenchResult } from './harness.js';

const MODELS = Array.from({ length: 11 }, (_, i) => `model-${String(i).padStart(2, '0')}`);
const SEGMENTS = ['qa', 'code', 'math', 'chat'];
const WORDS = ['python', 'sql', 'prove', 'integral', 'poem', 'story', 'translate', 'summary', 'bug', 'list', 'email', 'recipe'];

export function generate(n: number): { cases: RunCase[]; outcomes: Outcome[] } {
  const rng = createRng('propose-bench');
  const cases: RunCase[] = [];
  const outcomes: Outcome[] = [];
  for (let i = 0; i < n; i++) {
    const id = `c${i}`;
    const seg = SEGMENTS[i % SEGMENTS.length] as string;
    const text = `${WORDS[rng.int(WORDS.length)]} ${WORDS[rng.int(WORDS.length)]} please`;
    cases.push({
      case_id: id,
      split: splitOf(id, 'bench', 0.3),
      timestamp: null,
      metadata: { eval_name: seg },
      params: {},
      input_tokens: 50 + rng.int(2000),
      input: requestInput([{ role: 'user', content: text }]),
    });
    const difficulty = rng.next();
    MODELS.forEach((model, m) => {
      const skill = 0.3 + 0.06 * m + (m % 4 === i % 4 ? 0.1 : 0);
      outcomes.push({
        case_id: id,
        model,
        answered_by: model,
        status: 200,
        output: null,
        score: rng.next() * 0.3 + skill > difficulty + 0.2 ? 1 : 0,
        pass: null,
        reason: null,
        cost_usd: 0.0001 * 1.6 ** m,
        latency_ms: 100 + 40 * m,
        input_tokens: null,
        output_tokens: null,
        source: 'recorded',
      });
    });
  }
  return { cases, outcomes };
}

export default async function bench(): Promise<BenchResult> {
  const n = Number(process.env.PROPOSE_BENCH_N ?? 100_000);
  const store = await openTestStore('postgres');
  try {
    const { cases, outcomes } = generate(n);
    const spec: PolicySpec = {
      spec_version: 'v1',
      kind: 'model',
      name: 'bench',
      policy: { strategy: { mode: 'loadbalance' }, targets: [{ model_name: MODELS[10] as string }] },
    };
    const [policy] = await store.db.insert(policies).values({ name: 'bench' }).returning({ id: policies.id });
    const policyId = (policy as { id: number }).id;
    const [v] = await store.db
      .insert(policyVersions)
      .values({ policyId, version: 1, spec, sourceFormat: 'watsonx', origin: 'add', isActive: true })
      .returning({ id: policyVersions.id });
    const runId = 'run_bench';
    await store.db.insert(runs).values({
      id: runId,
      policyId,
      baseVersionId: (v as { id: number }).id,
      sourceKind: 'outcomes',
      sourceName: 'bench',
      status: 'completed',
      seed: 'bench',
      holdout: 0.3,
    });
    await store.db
      .insert(runVariants)
      .values({ runId, idx: 0, name: 'bench@v1', versionId: (v as { id: number }).id, version: 1, spec, isBaseline: true });
    await insertRunCases(
      store.db,
      runId,
      cases.map((c) => ({ ...c, chunk: 0, golden_case_id: null })),
    );
    await insertOutcomes(store.db, runId, outcomes);
    await insertVariantResults(store.db, runId, 0, evaluateVariant(spec, cases, buildOutcomeMatrix(outcomes), { rate: 1, seed: 'bench' }));

    await loadRunData(store.db, runId); // warm-up: connections, JIT, page cache
    const readMs = await timeMs(async () => {
      await loadRunData(store.db, runId);
    });
    const proposeMs = await timeMs(async () => {
      await proposeForRun(store.db, runId, { max_cost_ratio: 0.5, segment_by: 'metadata.eval_name', per_request: true });
    });
    const ratio = proposeMs / readMs;
    return result({
      name: 'propose-vs-read',
      value: proposeMs,
      baseline: readMs,
      ratio,
      target: 'ratio <= 3',
      unit: `ms (propose --per-request vs reading the outcome matrix; ${n} cases × ${MODELS.length} models)`,
      passed: ratio <= 3,
      details: { cases: n, models: MODELS.length, outcomes: outcomes.length },
    });
  } finally {
    await store.cleanup();
  }
}
