/**
 * Proposal quality on a RouterBench-layout CSV, scored on rows the proposer never saw:
 *
 *   npx tsx test/bench/proposal-quality.ts <file.csv> [--segment-by eval_name] [--ceilings 0.1,0.25,0.5] [--confidence 0.95] [--learner auto|rules|scorer]
 *                                          [--split-seeds s1,...,s10] [--fit-fraction 0.8] [--quiet]
 *
 * The file is split by a seeded hash of sample_id into a fit side (--fit-fraction, default half) and
 * a test side; with several split seeds the gain's mean and sd over them is printed. The fit half
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
import { scriptArgs } from './script-args.js';

const { file, args, flag } = scriptArgs(
  'tsx test/bench/proposal-quality.ts <routerbench-layout.csv> [--segment-by FIELD] [--ceilings 0.1,0.25,0.5] [--confidence 0.95] [--learner auto|rules|scorer] [--split-seeds s1,s2,...] [--fit-fraction 0.5] [--run-seed S] [--quiet]',
);
const segmentBy = flag('--segment-by') ?? 'eval_name';
const ceilings = (flag('--ceilings') ?? '0.05,0.1,0.25,0.5,0.75,1').split(',').map(Number);
// --split-seed varies the 50/50 fit/test split, to check a change on several splits (mean and spread).
// --split-seeds s1,s2,... runs several splits and prints the mean and sd of the gain.
const splitSeeds = (flag('--split-seeds') ?? flag('--split-seed') ?? 'proposal-quality').split(',');
// --fit-fraction: the share of the file the proposer fits on (0.5; a user's training half is ~0.8 of what we have).
const fitFraction = Number(flag('--fit-fraction') ?? '0.5');
const quiet = args.includes('--quiet');
const RUN_SEED = flag('--run-seed') ?? 'run-seed';
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
const matrix = buildOutcomeMatrix(outcomes);
const pad = (s: string, n: number) => s.padStart(n);
const f1 = (x: number) => x.toFixed(1);

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
process.stderr.write(
  `${file}: ${ids.length} cases, ${models.length} models; metadata kept: ${[...columns.kept].join(', ')}; labels dropped: ${[...columns.labels].join(', ') || 'none'}\n`,
);

interface SeedResult {
  seed: string;
  rows: Array<{ ceiling: number; gain: number; cost: number; q: number; segCost: number }>;
}

function evaluateSplit(splitSeed: string): SeedResult {
  // The fit side is `fitFraction` of the cases (by a seeded hash), the test side the rest.
  const fitIds = ids.filter((id) => splitOf(id, splitSeed, 1 - fitFraction) === 'train');
  const testIds = ids.filter((id) => splitOf(id, splitSeed, 1 - fitFraction) === 'holdout');
  const fitCases = fitIds.map((id) => caseOf(id, splitOf(id, RUN_SEED, 0.3)));
  const testCases = testIds.map((id) => caseOf(id, 'holdout'));
  const bestModel = models.map((m) => ({ m, ...score(single(m), fitCases) })).sort((a, b) => b.q - a.q || a.c - b.c)[0] as {
    m: string;
    q: number;
    c: number;
  };
  const bestTest = score(single(bestModel.m), testCases);
  const baseSpec = single(bestModel.m);
  const baseResults = evaluateVariant(baseSpec, fitCases, matrix, { rate: 1, seed: 's' });
  process.stderr.write(
    `split ${splitSeed}: fit ${fitCases.length} (train ${fitCases.filter((c) => c.split === 'train').length}, holdout ${fitCases.filter((c) => c.split === 'holdout').length}), test ${testCases.length}; best single model (fit side): ${bestModel.m}\n`,
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
  if (!quiet)
    console.log(
      `split ${splitSeed}: quality and cost as % of ${bestModel.m} on the test side (quality ${bestTest.q.toFixed(4)}, cost $${(bestTest.c * 1000).toFixed(3)} per 1k)\n` +
        ['ceiling', 'global q', 'segment q', 'per-req q', 'per-req cost', 'gain pts', 'learner', 'recommended']
          .map((h, i) => pad(h, i === 6 ? 28 : 11))
          .join(''),
    );
  const rows: SeedResult['rows'] = [];
  for (const f of ceilings) {
    const global = run({ max_cost_ratio: f });
    const seg = run({ max_cost_ratio: f, segment_by: segmentBy });
    const per = run({ max_cost_ratio: f, segment_by: segmentBy, per_request: true, ...learnerOpt });
    const segBest = Math.max(seg.q, global.q);
    rows.push({ ceiling: f, gain: per.q - segBest, cost: per.c, q: per.q, segCost: seg.q >= global.q ? seg.c : global.c });
    if (process.env.SHOW_CANDIDATES)
      for (const c of per.draft.learner.candidates)
        process.stderr.write(`  ${c.name}: ${c.quality.toFixed(4)} @ ${c.cost_per_1k.toFixed(3)}${c.chosen ? ' *' : ''}\n`);
    const learner =
      per.draft.learner.kind === 'tree'
        ? `tree d${per.draft.learner.max_depth} leaf${per.draft.learner.min_leaf} (${per.draft.rules.length} rules)`
        : per.draft.learner.kind;
    if (!quiet)
      console.log(
        [`${f * 100}%`, f1(global.q), f1(seg.q), f1(per.q), f1(per.c), f1(per.q - segBest), learner, String(per.draft.recommended)]
          .map((v, i) => pad(v, i === 6 ? 28 : 11))
          .join(''),
      );
  }
  return { seed: splitSeed, rows };
}

const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);
const sd = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, xs.length - 1));
};
const results = splitSeeds.map(evaluateSplit);
const headline = [0.1, 0.25, 0.5].filter((f) => ceilings.includes(f));
const avgGain = (r: SeedResult) => mean(r.rows.filter((x) => headline.includes(x.ceiling)).map((x) => x.gain));
for (const r of results)
  console.log(`split ${r.seed}: average gain of per-request over segment-level at 10/25/50%: ${f1(avgGain(r))} points`);
if (results.length > 1) {
  console.log(
    `over ${results.length} splits (fit fraction ${fitFraction}): gain mean (sd); per-request cost as % of the ceiling; within 2%`,
  );
  for (const f of ceilings) {
    const at = results.map((r) => r.rows.find((x) => x.ceiling === f) as SeedResult['rows'][number]);
    const gains = at.map((x) => x.gain);
    const ratio = at.map((x) => x.cost / (f * 100));
    const within = ratio.filter((x) => x <= 1.02).length;
    const segRatio = at.map((x) => x.segCost / (f * 100));
    console.log(
      `  ${pad(`${f * 100}%`, 5)}: per-request q ${f1(mean(at.map((x) => x.q)))}, gain ${f1(mean(gains))} (${f1(sd(gains))}), cost ${f1(100 * mean(ratio))}% of the ceiling (${f1(100 * Math.min(...ratio))}-${f1(100 * Math.max(...ratio))}), ${within}/${at.length} within 2%; segment-level cost ${f1(100 * mean(segRatio))}%`,
    );
  }
  const avgs = results.map(avgGain);
  console.log(`  average of 10/25/50%: gain ${f1(mean(avgs))} (sd ${f1(sd(avgs))})`);
}
