import type { Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import type { ProposalOptions } from '../../domain/proposal.js';
import { parseField } from '../../domain/request-field.js';
import { sanitize, sanitizeInline } from '../../domain/sanitize.js';
import { proposalFrontier, proposeForRun } from '../../app/propose-run.js';
import type { FrontierCurve } from '../../tuning/frontier-curve.js';
import { writeRunReport } from '../../app/write-run-report.js';
import { policyDocumentYaml } from '../../policy/index.js';
import type { StoredProposal } from '../../store/repos/proposal-repo.js';
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
  perRequest?: boolean;
  learner?: string;
  confidence?: number;
  margin?: number;
  frontier?: boolean;
  out?: string;
  json?: boolean;
}

/** Flags → options, refusing contradictions by flag name (exit 2). */
export function proposalOptionsFromFlags(f: Omit<ProposeFlags, 'run' | 'json' | 'frontier' | 'out'>): ProposalOptions {
  if (f.maxCostRatio !== undefined && f.maxCostPer1k !== undefined)
    throw new InputError('--max-cost-ratio and --max-cost-per-1k both set a cost ceiling: give one of them');
  if (f.minQuality !== undefined && (f.maxCostRatio !== undefined || f.maxCostPer1k !== undefined)) {
    throw new InputError(
      '--min-quality minimises cost above a quality floor; it cannot be combined with a cost ceiling (--max-cost-ratio / --max-cost-per-1k)',
    );
  }
  const positive = (flag: string, v: number | undefined) => {
    if (v !== undefined && !(v > 0)) throw new InputError(`${flag}: ${v} must be greater than 0`);
  };
  positive('--max-cost-ratio', f.maxCostRatio);
  positive('--max-cost-per-1k', f.maxCostPer1k);
  positive('--max-p95-ms', f.maxP95Ms);
  positive('--min-segment-n', f.minSegmentN);
  if (f.minQuality !== undefined && !(f.minQuality >= 0 && f.minQuality <= 1))
    throw new InputError(`--min-quality: ${f.minQuality} is not a quality in [0, 1]`);
  if (f.maxChange !== undefined && !(f.maxChange > 0 && f.maxChange <= 1))
    throw new InputError(`--max-change: ${f.maxChange} is not a share of requests in (0, 1]`);
  if (f.segmentBy !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(f.segmentBy))
    throw new InputError(
      `--segment-by: "${sanitizeInline(f.segmentBy)}" is not a field name (metadata.X, X, params.X, input_tokens, input.*)`,
    );
  if (f.segmentBy !== undefined) {
    const parsed = parseField(f.segmentBy);
    if (!parsed.ok) throw new InputError(`--segment-by: ${sanitizeInline(parsed.message)}`);
  }
  if (f.confidence !== undefined && !(f.confidence > 0 && f.confidence < 1))
    throw new InputError(`--confidence: ${f.confidence} is not a level in (0, 1), e.g. 0.95`);
  if (f.confidence !== undefined && f.minQuality !== undefined)
    throw new InputError('--confidence applies to a cost ceiling; with --min-quality give none');
  if (f.margin !== undefined && !(f.margin >= 0 && f.margin <= 1))
    throw new InputError(`--margin: ${f.margin} is not a quality difference in [0, 1] (0.01 = 1 point)`);
  const options: ProposalOptions = {};
  if (f.maxCostRatio !== undefined) options.max_cost_ratio = f.maxCostRatio;
  if (f.maxCostPer1k !== undefined) options.max_cost_per_1k = f.maxCostPer1k;
  if (f.maxP95Ms !== undefined) options.max_p95_ms = f.maxP95Ms;
  if (f.minQuality !== undefined) options.min_quality = f.minQuality;
  if (f.segmentBy !== undefined) options.segment_by = f.segmentBy;
  if (f.maxChange !== undefined) options.max_change = f.maxChange;
  if (f.minSegmentN !== undefined) options.min_segment_n = f.minSegmentN;
  if (f.perRequest) options.per_request = true;
  if (f.learner !== undefined) {
    if (f.learner !== 'auto' && f.learner !== 'rules' && f.learner !== 'scorer')
      throw new InputError(`--learner: "${sanitizeInline(f.learner)}" is not auto, rules or scorer`);
    if (!f.perRequest) throw new InputError('--learner chooses the per-request learner: give --per-request too');
    options.learner = f.learner;
  }
  if (f.confidence !== undefined) options.confidence = f.confidence;
  if (f.margin !== undefined) options.margin = f.margin;
  return options;
}

/** The `--json` contract (issue 5). */
export function proposalJson(p: StoredProposal): Record<string, unknown> {
  return {
    proposal_id: p.proposal_id,
    run_id: p.run_id,
    policy_name: p.policy_name,
    base_version: p.base_version,
    status: p.status,
    reason: p.details?.reason ?? null,
    // A no_change proposal still carries the policy it fitted, but it is not a recommendation.
    recommended: p.details?.recommended ?? p.status !== 'no_change',
    options: p.options,
    constraint: p.details?.constraint ?? null,
    learner: p.details?.learner ?? null,
    rules: p.details?.rules ?? [],
    segments: p.details?.segments ?? [],
    cost_diff: p.details?.cost_diff ?? null,
    holm: p.details?.holm ?? null,
    refit_cases: p.details?.refit_cases ?? null,
    policy: p.policy,
    train: p.train,
    holdout: p.holdout,
    baseline: p.baseline,
    holdout_diff: p.holdout_diff,
    rationale: p.rationale,
  };
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
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
  const fmt = (m: StoredProposal['holdout']) => [
    m.quality.toFixed(3),
    `${m.quality_ci[0].toFixed(3)}–${m.quality_ci[1].toFixed(3)}`,
    `$${m.cost_per_1k >= 1 ? m.cost_per_1k.toFixed(2) : m.cost_per_1k.toPrecision(3)}`,
    `${Math.round(m.p95_ms)}`,
  ];
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
  const d = p.details;
  if (d && d.rules.length > 1) {
    println(ctx);
    println(
      ctx,
      table(
        ['rule', 'train n', 'q', 'holdout n', 'q', '$/1k'],
        d.rules.map((r) => [
          clip(sanitizeInline(r.name), 30),
          String(r.train.n),
          r.train.quality.toFixed(3),
          String(r.holdout.n),
          r.holdout.quality.toFixed(3),
          r.holdout.cost_per_1k.toPrecision(3),
        ]),
      ),
    );
  }
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

function printFrontier(ctx: CliContext, curve: FrontierCurve, path: string): void {
  const q = (x: number) => x.toFixed(3);
  const c = (x: number) => x.toPrecision(3);
  println(ctx);
  println(ctx, `Frontier (holdout; ceilings as a share of ${sanitizeInline(curve.best_single.model)}'s cost):`);
  println(
    ctx,
    table(
      ['ceiling', 'per-req q', '$/1k', 'segments q', '$/1k', 'random q'],
      [
        ...curve.rows.map((r) => [
          `${(r.share * 100).toFixed(0)}%`,
          q(r.per_request.quality),
          c(r.per_request.cost_per_1k),
          q(r.segments.quality),
          c(r.segments.cost_per_1k),
          r.random_mix === null ? '-' : q(r.random_mix),
        ]),
        ['best single', q(curve.best_single.quality), c(curve.best_single.cost_per_1k), '', '', ''],
        ['oracle', q(curve.oracle.quality), c(curve.oracle.cost_per_1k), '', '', ''],
      ],
    ),
  );
  println(ctx, `Chart and table: ${sanitizeInline(path)}`);
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
    .option('--per-request', 'also learn per-request rules (request fields, text keywords)')
    .option('--learner <kind>', 'with --per-request: rules, scorer (not exportable) or auto (CV)')
    .option('--confidence <level>', 'fit so the cost ceiling holds at this level', parseNumberOption('--confidence'))
    .option('--margin <q>', 'non-inferiority margin in quality (0.01)', parseNumberOption('--margin'))
    .option('--frontier', 'print the quality/cost curve across ceilings')
    .option('-o, --out <dir>', 'with --frontier: write frontier.md/.svg here (reports/<run>)')
    .option('--json', 'print the proposal as JSON only')
    .addHelpText(
      'after',
      [
        '',
        "Without a cost flag the ceiling is the current version's own cost (ratio 1),",
        "measured over all the run's cases; the same figure is used to fit and to check.",
        'Choices are made by cross-validation on the train split; the holdout is used',
        'once, for the figures; the policy is then refitted on all cases.',
        'The same run and options always give the same stored proposal.',
      ].join('\n'),
    )
    .action(async (flags: ProposeFlags) => {
      const options = proposalOptionsFromFlags(flags);
      const store = await ctx.store();
      const { proposal, created } = await proposeForRun(store.db, flags.run, options);
      const frontier = flags.frontier ? await proposalFrontier(store.db, flags.run, options, flags.out) : null;
      if (flags.json) printJson(ctx, { ...proposalJson(proposal), ...(frontier ? { frontier: frontier.curve } : {}) });
      else {
        printProposal(ctx, proposal, created);
        if (!created) note(ctx, `note: run ${flags.run} already had a proposal with these options; showing it.`);
        if (frontier) printFrontier(ctx, frontier.curve, frontier.path);
      }
    });
  registerReport(program, ctx);
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
      const path = await writeRunReport(store.db, runId, {
        ...(flags.out ? { dir: flags.out } : {}),
        ...(flags.segmentBy ? { segmentBy: flags.segmentBy } : {}),
      });
      println(ctx, `Report written: ${path}`);
    });
}
