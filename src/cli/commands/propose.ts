import { ownValue } from '../../domain/data-record.js';
import type { Command } from 'commander';
import { InputError, NotFoundError } from '../../domain/errors.js';
import type { ProposalOptions } from '../../domain/proposal.js';
import { sanitize, sanitizeInline } from '../../domain/sanitize.js';
import { policyDocumentYaml } from '../../policy/index.js';
import type { Db } from '../../store/db.js';
import { createProposal, findProposal, listProposals, type StoredProposal } from '../../store/repos/proposal-repo.js';
import { getRun, loadRunData } from '../../store/repos/run-repo.js';
import { createRng } from '../../domain/rng.js';
import { analyzeRun } from '../../stats/run-analysis.js';
import { defaultReportDir, proposalBeforeAfter, renderReport, writeReport } from '../../report/index.js';
import { optionsKey, proposalId, propose } from '../../tuning/index.js';
import { parseIntOption, parseNumberOption } from '../action.js';
import type { CliContext } from '../context.js';
import { note, printJson, println, table } from '../output.js';

interface ProposeFlags {
  run: string;
  maxCostRatio?: number;
  maxCostPer1k?: number;
  maxP95Ms?: number;
  minQuality?: number;
  segmentBy?: string;
  maxChange?: number;
  minSegmentN?: number;
  json?: boolean;
}

/** Flags → options, refusing contradictions by flag name (exit 2). */
export function proposalOptionsFromFlags(f: Omit<ProposeFlags, 'run' | 'json'>): ProposalOptions {
  if (f.maxCostRatio !== undefined && f.maxCostPer1k !== undefined) throw new InputError('--max-cost-ratio and --max-cost-per-1k both set a cost ceiling: give one of them');
  if (f.minQuality !== undefined && (f.maxCostRatio !== undefined || f.maxCostPer1k !== undefined)) {
    throw new InputError('--min-quality minimises cost above a quality floor; it cannot be combined with a cost ceiling (--max-cost-ratio / --max-cost-per-1k)');
  }
  const positive = (flag: string, v: number | undefined) => {
    if (v !== undefined && !(v > 0)) throw new InputError(`${flag}: ${v} must be greater than 0`);
  };
  positive('--max-cost-ratio', f.maxCostRatio);
  positive('--max-cost-per-1k', f.maxCostPer1k);
  positive('--max-p95-ms', f.maxP95Ms);
  positive('--min-segment-n', f.minSegmentN);
  if (f.minQuality !== undefined && !(f.minQuality >= 0 && f.minQuality <= 1)) throw new InputError(`--min-quality: ${f.minQuality} is not a quality in [0, 1]`);
  if (f.maxChange !== undefined && !(f.maxChange > 0 && f.maxChange <= 1)) throw new InputError(`--max-change: ${f.maxChange} is not a share of requests in (0, 1]`);
  if (f.segmentBy !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(f.segmentBy)) throw new InputError(`--segment-by: "${sanitizeInline(f.segmentBy)}" is not a metadata field name (letters, digits, _ . -)`);
  const options: ProposalOptions = {};
  if (f.maxCostRatio !== undefined) options.max_cost_ratio = f.maxCostRatio;
  if (f.maxCostPer1k !== undefined) options.max_cost_per_1k = f.maxCostPer1k;
  if (f.maxP95Ms !== undefined) options.max_p95_ms = f.maxP95Ms;
  if (f.minQuality !== undefined) options.min_quality = f.minQuality;
  if (f.segmentBy !== undefined) options.segment_by = f.segmentBy;
  if (f.maxChange !== undefined) options.max_change = f.maxChange;
  if (f.minSegmentN !== undefined) options.min_segment_n = f.minSegmentN;
  return options;
}

/**
 * Propose for a stored run and store the result once per (run, options). The same run and options
 * return the stored proposal unchanged (its review status included) without recomputing.
 */
export async function proposeForRun(db: Db, runId: string, options: ProposalOptions): Promise<{ proposal: StoredProposal; created: boolean }> {
  const key = optionsKey(options);
  const existing = await findProposal(db, runId, key);
  if (existing) return { proposal: existing, created: false };
  const data = await loadRunData(db, runId);
  if (!data) throw new NotFoundError('run', runId, 'see `routelab runs list`');
  if (data.run.status !== 'completed') throw new InputError(`run ${runId} is ${data.run.status}: propose needs a completed run (see \`routelab runs show ${runId}\`)`);
  const base = data.variants.find((v) => v.isBaseline);
  if (!base) throw new InputError(`run ${runId} has no baseline variant (the policy's active version) to compare with`);
  if (options.segment_by && !data.cases.some((c) => ownValue(c.metadata, options.segment_by as string) !== undefined)) {
    const seen = [...new Set(data.cases.flatMap((c) => Object.keys(c.metadata)))].sort().slice(0, 12);
    throw new InputError(`--segment-by: no case of run ${runId} has metadata.${options.segment_by}${seen.length ? ` (fields seen: ${seen.map((s) => sanitizeInline(s)).join(', ')})` : ''}`);
  }
  const draft = propose({
    runId,
    seed: data.run.seed,
    rate: data.run.rate,
    baseline: { name: base.name, version: base.version, spec: base.spec, results: data.results.get(base.idx) ?? [] },
    cases: data.cases,
    outcomes: data.outcomes,
    options,
  });
  return createProposal(db, {
    id: proposalId(runId, key),
    runId,
    policyId: data.run.policyId,
    baseVersionId: data.run.baseVersionId,
    optionsKey: key,
    options,
    status: draft.status,
    spec: draft.policy,
    train: draft.train,
    holdout: draft.holdout,
    baseline: draft.baseline,
    holdoutDiff: draft.holdout_diff,
    rationale: draft.rationale,
  });
}

/** The `--json` contract (issue 5). */
export function proposalJson(p: StoredProposal): Record<string, unknown> {
  return {
    proposal_id: p.proposal_id,
    run_id: p.run_id,
    policy_name: p.policy_name,
    base_version: p.base_version,
    status: p.status,
    options: p.options,
    policy: p.policy,
    train: p.train,
    holdout: p.holdout,
    baseline: p.baseline,
    holdout_diff: p.holdout_diff,
    rationale: p.rationale,
  };
}

/** Wrap a sentence to `width` columns with a hanging indent. */
function wrap(text: string, width: number, first: string, rest: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = first;
  for (const w of words) {
    const prefix = line === first || line === rest ? '' : ' ';
    if (line.length + prefix.length + w.length > width && line.trim().length) {
      lines.push(line);
      line = rest + w;
    } else line += prefix + w;
  }
  lines.push(line);
  return lines.join('\n');
}

function printProposal(ctx: CliContext, p: StoredProposal, created: boolean): void {
  const status = p.status === 'no_change' ? 'no change recommended' : p.status;
  println(ctx, `Proposal ${p.proposal_id}: ${status}${created ? '' : ' (stored earlier)'}`);
  println(ctx, `policy ${sanitizeInline(p.policy_name)} v${p.base_version}, run ${p.run_id}`);
  println(ctx);
  const fmt = (m: StoredProposal['holdout']) => [m.quality.toFixed(3), `${m.quality_ci[0].toFixed(3)}–${m.quality_ci[1].toFixed(3)}`, `$${m.cost_per_1k >= 1 ? m.cost_per_1k.toFixed(2) : m.cost_per_1k.toPrecision(3)}`, `${Math.round(m.p95_ms)}`];
  println(
    ctx,
    table(
      ['', 'quality', '95% CI', 'cost/1k req', 'p95 ms'],
      [
        ['proposal (holdout)', ...fmt(p.holdout)],
        [`v${p.base_version} (holdout)`, ...fmt(p.baseline)],
        ['proposal (train)', ...fmt(p.train)],
      ],
    ),
  );
  println(ctx);
  println(ctx, 'Rationale:');
  for (const r of p.rationale) println(ctx, wrap(sanitizeInline(r), 80, '  - ', '    '));
  println(ctx);
  println(ctx, 'Proposed policy (watsonx YAML):');
  println(ctx, sanitize(policyDocumentYaml(p.policy)).trimEnd());
  println(ctx);
  if (p.status === 'pending') {
    println(ctx, `Next: routelab approve ${p.proposal_id} [--comment C]`);
    println(ctx, `  or: routelab reject ${p.proposal_id}`);
  }
}

export function registerPropose(program: Command, ctx: CliContext): void {
  program
    .command('propose')
    .description('Propose weights (and per-segment rules) for a run, checked on its holdout')
    .requiredOption('-r, --run <id>', 'the run to fit on (its train split) and check on (its holdout)')
    .option('--max-cost-ratio <x>', 'cost per request at most x times the current version', parseNumberOption('--max-cost-ratio'))
    .option('--max-cost-per-1k <usd>', 'cost at most this many USD per 1k requests', parseNumberOption('--max-cost-per-1k'))
    .option('--max-p95-ms <ms>', 'p95 latency ceiling in milliseconds', parseNumberOption('--max-p95-ms'))
    .option('--min-quality <q>', 'minimise cost with quality at least q (0..1)', parseNumberOption('--min-quality'))
    .option('--segment-by <field>', 'per-segment rules by this metadata field')
    .option('--max-change <w>', 'move at most this share of requests (0..1]', parseNumberOption('--max-change'))
    .option('--min-segment-n <n>', 'train cases a segment needs for a rule (30)', parseIntOption('--min-segment-n'))
    .option('--json', 'print the proposal as JSON only')
    .addHelpText(
      'after',
      '\nWithout a cost flag the ceiling is the current version\'s own cost (ratio 1).\nThe same run and options always give the same stored proposal.',
    )
    .action(async (flags: ProposeFlags) => {
      const options = proposalOptionsFromFlags(flags);
      const store = await ctx.store();
      const { proposal, created } = await proposeForRun(store.db, flags.run, options);
      if (flags.json) printJson(ctx, proposalJson(proposal));
      else {
        printProposal(ctx, proposal, created);
        if (!created) note(ctx, `note: run ${flags.run} already had a proposal with these options; showing it.`);
      }
    });
  registerReport(program, ctx);
}

/** Metadata fields tried, in order, when `report` is not told what to break results down by. */
const SEGMENT_FIELDS = ['intent', 'eval_name', 'project', 'task'];

/** Analyse a stored run and write its report; returns the report.md path. */
export async function writeRunReport(db: Db, runId: string, opts: { dir?: string; segmentBy?: string } = {}): Promise<string> {
  const data = await loadRunData(db, runId);
  const run = await getRun(db, runId);
  if (!data || !run) throw new NotFoundError('run', runId, 'see `routelab runs list`');
  const proposals = await listProposals(db, { runId });
  const distinct = (field: string) => new Set(data.cases.map((c) => ownValue(c.metadata, field)).filter((v) => v !== undefined)).size;
  const segmentBy = opts.segmentBy ?? proposals.find((p) => p.options.segment_by)?.options.segment_by ?? SEGMENT_FIELDS.find((f) => distinct(f) >= 2);
  if (opts.segmentBy && distinct(opts.segmentBy) === 0) throw new InputError(`--segment-by: no case of run ${runId} has metadata.${opts.segmentBy}`);
  const analysis = analyzeRun(
    {
      cases: data.cases,
      outcomes: data.outcomes,
      variants: data.variants.map((v) => ({ name: v.name, version: v.version, isBaseline: v.isBaseline, results: data.results.get(v.idx) ?? [] })),
    },
    { rng: createRng(`${data.run.seed}:report`), ...(segmentBy ? { segmentBy } : {}) },
  );
  const base = data.variants.find((v) => v.isBaseline);
  const files = renderReport({
    run: {
      id: run.id,
      policyName: run.policyName,
      baseVersion: base?.version ?? null,
      status: run.status,
      source: `${run.sourceKind} ${run.sourceName}`,
      seed: run.seed,
      holdout: run.holdout,
      createdAt: run.createdAt ? new Date(run.createdAt).toISOString() : null,
      costUsd: run.costUsd,
      trainCases: data.cases.filter((c) => c.split === 'train').length,
      holdoutCases: data.cases.filter((c) => c.split === 'holdout').length,
    },
    analysis,
    proposals: proposals.map((p) => ({
      proposal: p,
      groups: base
        ? proposalBeforeAfter(p.policy, data.results.get(base.idx) ?? [], data.cases, data.outcomes, { segmentBy: p.options.segment_by ?? segmentBy ?? null, rate: data.run.rate, seed: data.run.seed })
        : [],
    })),
  });
  return writeReport(opts.dir ?? defaultReportDir(runId), files);
}

function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('Write a run report: reports/<run-id>/report.md plus SVG charts')
    .argument('<run>', 'run id')
    .option('-o, --out <dir>', 'write into this directory instead of reports/<run-id>')
    .option('--segment-by <field>', 'metadata field for the per-segment tables')
    .action(async (runId: string, flags: { out?: string; segmentBy?: string }) => {
      const store = await ctx.store();
      const path = await writeRunReport(store.db, runId, { ...(flags.out ? { dir: flags.out } : {}), ...(flags.segmentBy ? { segmentBy: flags.segmentBy } : {}) });
      println(ctx, `Report written: ${path}`);
    });
}
