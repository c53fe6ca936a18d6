/**
 * Proposal quality on a RouterBench-layout CSV, scored on rows the proposer never saw:
 *
 *   npx tsx test/bench/proposal-quality.ts <file.csv> [--segment-by eval_name] [--ceilings 0.1,0.25,0.5] [--confidence 0.95] [--learner auto|rules|scorer]
 *                                          [--confidence 0.95]
 *
 * The file is split 50/50 (or --fit-fraction f : 1 − f) by a seeded hash of sample_id into a fit half and a test half. The fit half
 * goes through the same steps a user's run takes (label columns dropped as `outcomes import` does,
 * cases planned as plan-run does — `--holdout 0.3` split, derived request fields, token estimate —
 * the best single model as the current policy) and `propose` runs at each ceiling (a ratio of that
 * model's cost). Each emitted policy is then scored on the test half, as % of the best single
 * model's quality and cost there. Reads only the path it is given; nothing under ../shared by default.
 */
import { createReadStream } from 'node:fs';
import type { Outcome } from '../../src/domain/outcome.js';
import type { PolicySpec } from '../../src/domain/policy-spec.js';
import { requestInput } from '../../src/domain/request-input.js';
import type { RunCase } from '../../src/domain/run.js';
import { newColumnReport, withoutLabels } from '../../src/providers/label-columns.js';
import { readRouterbenchCsv } from '../../src/providers/routerbench-csv.js';
import { buildOutcomeMatrix, evaluateVariant } from '../../src/replay/index.js';
import { splitOf } from '../../src/replay/split.js';
import { estimateTokens } from '../../src/replay/token-estimate.js';
import type { ProposalOptions } from '../../src/domain/proposal.js';
import { propose } from '../../src/tuning/propose.js';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (!file) {
  process.stderr.write(
    'usage: tsx test/bench/proposal-quality.ts <routerbench-layout.csv> [--segment-by FIELD] [--ceilings 0.1,0.25,0.5] [--confidence 0.95] [--learner auto|rules|scorer] [--split-seed S] [--run-seed S] [--fit-fraction 0.5]\n',
  );
  process.exit(2);
}
const segmentBy = flag('--segment-by') ?? 'eval_name';
const ceilings = (flag('--ceilings') ?? '0.05,0.1,0.25,0.5,0.75,1').split(',').map(Number);
// --split-seed varies the 50/50 fit/test split, to check a change on several splits (mean and spread).
const SPLIT_SEED = flag('--split-seed') ?? 'proposal-quality';
const RUN_SEED = flag('--run-seed') ?? 'run-seed';
// --fit-fraction: the share of the file the proposer fits on (the judged setting fits on a whole
// training half and scores on an unseen half of about its size: 0.5 halves the fitting data).
const FIT_FRACTION = Number(flag('--fit-fraction') ?? 0.5);
const confidence = flag('--confidence') === undefined ? {} : { confidence: Number(flag('--confidence')) };
const learnerFlag = flag('--learner');
const learnerOpt: Pick<ProposalOptions, 'learner'> =
  learnerFlag === 'rules' || learnerFlag === 'scorer' || learnerFlag === 'auto' ? { learner: learnerFlag } : {};

const texts = new Map<string, { input: string; metadata: Record<string, unknown> }>();
const outcomes: Outcome[] = [];
const columns = newColumnReport();
for await (const item of readRouterbenchCsv(createReadStream(file), file)) {
  if (!item.ok) continue;
  const r = item.row;
  if (!texts.has(r.case_id))
    texts.set(r.case_id, { input: typeof r.input === 'string' ? r.input : '', metadata: withoutLabels(r.metadata ?? {}, columns) });
  outcomes.push({
    case_id: r.case_id,
    model: r.model,
    answered_by: r.model,
    status: 200,
    output: null,
    score: r.score,
    pass: null,
    reason: null,
    cost_usd: r.cost_usd ?? 0,
    latency_ms: null,
    input_tokens: null,
    output_tokens: null,
    source: 'recorded',
  });
}
const ids = [...texts.keys()];
const caseOf = (id: string, split: RunCase['split']): RunCase => {
  const t = texts.get(id) as { input: string; metadata: Record<string, unknown> };
  return {
    case_id: id,
    split,
    timestamp: null,
    metadata: t.metadata,
    params: {},
    input_tokens: estimateTokens([{ content: t.input }]),
    input: requestInput([{ role: 'user', content: t.input }]),
  };
};
const fitIds = ids.filter((id) => splitOf(id, SPLIT_SEED, 1 - FIT_FRACTION) === 'train');
const testIds = ids.filter((id) => splitOf(id, SPLIT_SEED, 1 - FIT_FRACTION) === 'holdout');
const fitCases = fitIds.map((id) => caseOf(id, splitOf(id, RUN_SEED, 0.3)));
const testCases = testIds.map((id) => caseOf(id, 'holdout'));
const matrix = buildOutcomeMatrix(outcomes);

const models = [...new Set(outcomes.map((o) => o.model))].sort();
const single = (model: string): PolicySpec => ({
  spec_version: 'v1',
  kind: 'model',
  name: 'current',
  policy: { strategy: { mode: 'loadbalance' }, targets: [{ model_name: model }] },
});
const score = (spec: PolicySpec, cases: readonly RunCase[]) => {
  const rs = evaluateVariant(spec, cases, matrix, { rate: 1, seed: 's' });
  return { q: rs.reduce((s, r) => s + r.quality, 0) / rs.length, c: rs.reduce((s, r) => s + r.cost_usd, 0) / rs.length };
};
const bestModel = models.map((m) => ({ m, ...score(single(m), fitCases) })).sort((a, b) => b.q - a.q || a.c - b.c)[0] as {
  m: string;
  q: number;
  c: number;
};
const bestTest = score(single(bestModel.m), testCases);
const baseSpec = single(bestModel.m);
const baseResults = evaluateVariant(baseSpec, fitCases, matrix, { rate: 1, seed: 's' });

process.stderr.write(
  `${file}: ${ids.length} cases, ${models.length} models; fit ${fitCases.length} (train ${fitCases.filter((c) => c.split === 'train').length}, holdout ${fitCases.filter((c) => c.split === 'holdout').length}), test ${testCases.length}\n`,
);
process.stderr.write(
  `best single model (fit half): ${bestModel.m}; metadata kept: ${[...columns.kept].join(', ')}; labels dropped: ${[...columns.labels].join(', ') || 'none'}\n`,
);

const run = (options: ProposalOptions) => {
  const draft = propose({
    runId: 'eval',
    seed: RUN_SEED,
    rate: 1,
    baseline: { name: 'current', version: 1, spec: baseSpec, results: baseResults },
    cases: fitCases,
    outcomes,
    options: { ...options, ...confidence },
  });
  const s = score(draft.policy, testCases);
  return { draft, q: (100 * s.q) / bestTest.q, c: (100 * s.c) / bestTest.c };
};
const pad = (s: string, n: number) => s.padStart(n);
const f1 = (x: number) => x.toFixed(1);
console.log(
  `test half: quality and cost as % of ${bestModel.m} on the test half (quality ${bestTest.q.toFixed(4)}, cost $${(bestTest.c * 1000).toFixed(3)} per 1k)`,
);
console.log(
  ['ceiling', 'global q', 'segment q', 'per-req q', 'per-req cost', 'gain pts', 'learner', 'recommended']
    .map((h, i) => pad(h, i === 6 ? 28 : 11))
    .join(''),
);
const gains: Array<{ ceiling: number; gain: number; cost: number }> = [];
for (const f of ceilings) {
  const global = run({ max_cost_ratio: f });
  const seg = run({ max_cost_ratio: f, segment_by: segmentBy });
  const per = run({ max_cost_ratio: f, segment_by: segmentBy, per_request: true, ...learnerOpt });
  const segBest = Math.max(seg.q, global.q);
  gains.push({ ceiling: f, gain: per.q - segBest, cost: per.c });
  if (process.env.SHOW_CANDIDATES)
    for (const c of per.draft.learner.candidates)
      process.stderr.write(`  ${c.name}: ${c.quality.toFixed(4)} @ ${c.cost_per_1k.toFixed(3)}${c.chosen ? ' *' : ''}\n`);
  const learner =
    per.draft.learner.kind === 'tree'
      ? `tree d${per.draft.learner.max_depth} leaf${per.draft.learner.min_leaf} (${per.draft.rules.length} rules)`
      : per.draft.learner.kind;
  console.log(
    [`${f * 100}%`, f1(global.q), f1(seg.q), f1(per.q), f1(per.c), f1(per.q - segBest), learner, String(per.draft.recommended)]
      .map((v, i) => pad(v, i === 6 ? 28 : 11))
      .join(''),
  );
}
const avg = (fs: number[]) => {
  const picked = gains.filter((g) => fs.includes(g.ceiling));
  return picked.length ? picked.reduce((s, g) => s + g.gain, 0) / picked.length : Number.NaN;
};
console.log(`average gain of per-request over segment-level at 10/25/50%: ${f1(avg([0.1, 0.25, 0.5]))} points`);
