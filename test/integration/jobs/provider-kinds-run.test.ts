import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { CatalogEntry, ProviderKind } from '../../../src/domain/catalog-entry.js';
import type { GoldenCase } from '../../../src/domain/golden-case.js';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import { createRun } from '../../../src/jobs/create-run.js';
import { createJudgeDeps } from '../../../src/jobs/judge-deps.js';
import { createProcessors } from '../../../src/jobs/processors.js';
import { createLocalRateLimiter, type RateLimiter, type RateLimits } from '../../../src/jobs/rate-limiter.js';
import { createChatClient } from '../../../src/providers/index.js';
import { runInProcess } from '../../../src/queue/in-process-runner.js';
import { planRun } from '../../../src/jobs/plan-run.js';
import { processRunLocally } from '../../../src/jobs/run-locally.js';
import { runReport } from '../../../src/jobs/run-summary.js';
import { upsertModels } from '../../../src/store/repos/catalog-repo.js';
import { importGoldenSet } from '../../../src/store/repos/golden-repo.js';
import { addPolicyVersion } from '../../../src/store/repos/policy-repo.js';
import { loadRunData } from '../../../src/store/repos/run-result-repo.js';
import { FAKES, startProviderFakes, USAGE } from '../../helpers/provider-fakes.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';

/**
 * A run over a catalog mixing four provider kinds (Anthropic, Gemini, Bedrock, watsonx), each on its
 * loopback fake, judged by an OpenAI-compatible model: every outcome's cost comes from its own
 * provider's usage fields at its own catalog price, judge calls are in the run's cost, and a cost
 * cap that the judge calls exhaust stops the run at the cap.
 */

const MODEL_KINDS: ProviderKind[] = ['anthropic', 'gemini', 'bedrock', 'watsonx'];
const CASES = 4;
const clock = { now: () => Date.parse('2026-12-06T12:00:00Z') };

// One database for the file (creating one is the slow part); each test uses names of its own.
let store: TestStore | undefined;
let closeServer: (() => Promise<void>) | undefined;
beforeAll(async () => {
  store = await openTestStore('postgres');
});
afterAll(async () => {
  await store?.cleanup();
});
afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

const cost = (e: CatalogEntry, cached: number) =>
  ((USAGE.input - cached) * e.price.input_per_m +
    cached * (e.price.cached_input_per_m ?? e.price.input_per_m) +
    USAGE.output * e.price.output_per_m) /
  1e6;

async function setUp(tag: string, judgePrice: CatalogEntry['price']) {
  const db = (store as TestStore).db;
  const server = await startProviderFakes((kind, req) => {
    // The judge grades; every model answers in its own words so no verdict is shared through the cache.
    if (kind === 'openai') return { kind: 'json', status: 200, body: FAKES.openai.ok('{"score": 8, "pass": true, "reason": "fine"}') };
    const caseNo = /case (\d+)/.exec(req.body)?.[1] ?? '?';
    return { kind: 'json', status: 200, body: FAKES[kind].ok(`${kind} says ${caseNo}`) };
  });
  closeServer = () => server.close();
  const entries = MODEL_KINDS.map((k, i) =>
    FAKES[k].entry(server.origin, `${tag}/${k}`, {
      price: { input_per_m: 1 + i, output_per_m: 2 + 3 * i, cached_input_per_m: 0.1 * (i + 1) },
    }),
  );
  const judge = FAKES.openai.entry(server.origin, `${tag}/judge`, { price: judgePrice });
  await upsertModels(db, [...entries, judge]);
  const spec = {
    spec_version: 'v1',
    kind: 'model',
    name: tag,
    policy: { strategy: { mode: 'fallback', on_status_codes: [429, 503] }, targets: entries.map((e) => ({ model_name: e.name })) },
  } as PolicySpec;
  await addPolicyVersion(db, spec, { sourceFormat: 'watsonx', origin: 'import' });
  const cases: GoldenCase[] = Array.from({ length: CASES }, (_, i) => ({
    id: `k${i}`,
    input: { messages: [{ role: 'user', content: `case ${i}: say something kind` }] },
    metadata: {},
    reference: 'something kind',
    assertions: [{ type: 'judge', mode: 'rubric', model: judge.name, weight: 1 }],
    reviewed: true,
  }));
  await importGoldenSet(db, `${tag}-golden`, cases, 'test');
  const env = { ...FAKES.openai.env, ...FAKES.bedrock.env };
  return { server, entries, judge, env };
}

async function run(tag: string, env: Record<string, string>, cap?: number) {
  const db = (store as TestStore).db;
  const { run_id } = await createRun(
    db,
    { policy: tag, source: { kind: 'golden', name: `${tag}-golden` }, ...(cap ? { cost_cap_usd: cap } : {}) },
    { clock },
  );
  const plan = await planRun(db, run_id, { chunkSize: 2 });
  await processRunLocally(db, run_id, plan.chunks, { env, clock });
  return { run_id, plan, report: await runReport(db, run_id), data: await loadRunData(db, run_id) };
}

it('prices each model from its own usage fields and counts the judge calls in the run cost', async () => {
  const judgePrice = { input_per_m: 5, output_per_m: 10 };
  const { server, entries, judge, env } = await setUp('costs', judgePrice);
  const { plan, report, data } = await run('costs', env);

  expect(report?.status).toBe('completed');
  expect(plan.pairs).toBe(CASES * MODEL_KINDS.length);
  const outcomes = data?.outcomes ?? [];
  expect(outcomes).toHaveLength(CASES * MODEL_KINDS.length);
  for (const [i, kind] of MODEL_KINDS.entries()) {
    const e = entries[i] as CatalogEntry;
    const mine = outcomes.filter((o) => o.model === e.name);
    expect(mine).toHaveLength(CASES);
    for (const o of mine) {
      expect(o).toMatchObject({ status: 200, input_tokens: USAGE.input, output_tokens: USAGE.output, pass: true });
      expect(o.output).toMatch(new RegExp(`^${kind} says \\d$`));
      expect(o.cost_usd).toBeCloseTo(cost(e, FAKES[kind].cached), 15);
    }
    expect(server.calls(kind)).toHaveLength(CASES);
  }
  const judgeCalls = server.calls('openai').length;
  expect(judgeCalls).toBe(CASES * MODEL_KINDS.length);
  const modelCost = outcomes.reduce((a, o) => a + (o.cost_usd ?? 0), 0);
  const judgeCost = judgeCalls * cost(judge, FAKES.openai.cached);
  expect(report?.cost_usd).toBeCloseTo(modelCost + judgeCost, 12);
  expect(report?.notes.join('\n')).toMatch(/LLM-judge calls cost \$[\d.]+, included in the run's cost/);
  // An answer naming the upstream id (or a dated version of it) is not a swap.
  expect(report?.notes.join('\n')).not.toMatch(/answered by a different model/);
});

it('stops the run at a cost cap that the judge calls use up', async () => {
  // The 16 model calls' estimates (at most ~$0.011 each) fit under the cap; with the judge's (~$0.06 each) they do not.
  const { server, judge, env } = await setUp('cap', { input_per_m: 30, output_per_m: 60 });
  const cap = 0.3;
  const { plan, report, data } = await run('cap', env, cap);
  expect(report?.status).toBe('capped');
  expect(report?.cost_usd).toBeLessThanOrEqual(cap);
  // What was spent is the calls made, the judge's included: the cap held counting both.
  const modelCost = (data?.outcomes ?? []).filter((o) => o.source === 'call').reduce((a, o) => a + (o.cost_usd ?? 0), 0);
  const judgeCost = server.calls('openai').length * cost(judge, FAKES.openai.cached);
  expect(judgeCost).toBeGreaterThan(0);
  expect(report?.cost_usd).toBeCloseTo(modelCost + judgeCost, 12);
  expect(report?.notes.join('\n')).toMatch(/cost cap of \$0\.3 reached/);
  expect(report?.notes.join('\n')).toMatch(/LLM-judge calls cost/);
  expect(server.calls('openai').length).toBeLessThan(plan.pairs);
});

it("asks the rate limiter for every model call with that model's catalog rpm and tpm", async () => {
  const { entries, env } = await setUp('rate', { input_per_m: 1, output_per_m: 1 });
  const db = (store as TestStore).db;
  await upsertModels(
    db,
    entries.map((e, i) => ({ ...e, rate_limit_rpm: 100 + i, rate_limit_tpm: i % 2 ? 50_000 : null })),
  );
  const seen: Array<{ model: string; limits: RateLimits; tokens: number }> = [];
  const local = createLocalRateLimiter();
  const rate: RateLimiter = {
    acquire: (model, limits, tokens, signal) => (seen.push({ model, limits, tokens }), local.acquire(model, limits, tokens, signal)),
    close: () => local.close(),
  };
  const chat = createChatClient({ env });
  try {
    const { run_id } = await createRun(db, { policy: 'rate', source: { kind: 'golden', name: 'rate-golden' } }, { clock });
    const plan = await planRun(db, run_id, { chunkSize: 3 });
    const processors = createProcessors(db, { chat, clock, rate, judge: createJudgeDeps(db, chat, undefined) });
    await runInProcess(processors, run_id, plan.chunks, { concurrency: 2 });
    expect(seen).toHaveLength(plan.pairs);
    for (const [i, e] of entries.entries()) {
      const mine = seen.filter((s) => s.model === e.name);
      expect(mine).toHaveLength(CASES);
      expect(mine.every((s) => s.limits.rpm === 100 + i && s.limits.tpm === (i % 2 ? 50_000 : null) && s.tokens > 0)).toBe(true);
    }
  } finally {
    await chat.close();
  }
});
