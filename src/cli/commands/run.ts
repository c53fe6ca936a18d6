import type { Command } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { executeRun } from '../../app/execute-run.js';
import { requireSharedStores } from '../../app/worker.js';
import { InputError } from '../../domain/errors.js';
import { DEFAULT_WEBHOOK_ENV } from '../../domain/nightly.js';
import type { VariantRef } from '../../jobs/run-request.js';
import { MAX_POLICY_BYTES } from '../../policy/yaml-source.js';
import { assertRedisReachable, queueConfigFromEnv } from '../../queue/connection.js';
import { collect, ExitError, parseNumberOption } from '../action.js';
import type { CliContext } from '../context.js';
import { note, printJson, println } from '../output.js';
import { nightlyOptions } from './nightly-flags.js';
import { printReport, printSteps } from './run-output.js';

interface RunFlags {
  policy: string;
  variant?: string[];
  sample?: string;
  golden?: string;
  outcomes?: string;
  costCap?: number;
  holdout: number;
  seed?: string;
  detach?: boolean;
  /** false with --no-cache. */
  cache: boolean;
  cacheOnly?: boolean;
  refreshRate: number;
  nightly?: boolean;
  alertOn?: string;
  webhookEnv?: string;
  segmentBy?: string;
  reportDir?: string;
  json?: boolean;
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('Replay cases across the policy and its variants: each (case, model) fetched once')
    .requiredOption('--policy <name>', 'registered policy; its active version is the baseline')
    .option('--variant <name|file>', 'another registered policy, or a policy file (repeatable)', collect)
    .option('--sample <name>', 'a traffic sample (see `traffic sample`)')
    .option('--golden <name>', 'a golden set: the cases, or with --sample the scoring set')
    .option('--outcomes <name>', 'recorded outcomes: no model is called')
    .option('--cost-cap <usd>', 'hard cap on provider spend for this run', parseNumberOption('--cost-cap'))
    .option('--holdout <share>', 'share of cases held out for checking proposals', parseNumberOption('--holdout'), 0.3)
    .option('--seed <seed>', 'seed of the split and the sequential pass (default: the run id)')
    .option('--no-cache', 'call every pair; read and write no cached answer')
    .option('--cache-only', 'use cached answers only; never call a model')
    .option('--refresh-rate <share>', 're-ask this share of cached pairs (seeded)', parseNumberOption('--refresh-rate'), 0)
    .option('--nightly', 'after the run: check for regressions, propose, report, notify')
    .option('--alert-on <what>', '"regression": exit 1 and POST the webhook when one is flagged')
    .option('--webhook-env <name>', `variable holding the alert webhook URL (default ${DEFAULT_WEBHOOK_ENV})`)
    .option('--segment-by <field>', 'with --nightly: metadata field for regressions and report')
    .option('--report-dir <dir>', 'with --nightly: write the report here, not reports/<run-id>')
    .option('--detach', 'enqueue and print the run id without waiting (needs REDIS_URL)')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (flags: RunFlags) => runCommand(ctx, flags));
}

async function runCommand(ctx: CliContext, flags: RunFlags): Promise<void> {
  const source = sourceOf(flags);
  if (!(flags.holdout >= 0 && flags.holdout < 1)) throw new InputError(`--holdout: ${flags.holdout} is not in [0, 1)`);
  if (flags.costCap !== undefined && !(flags.costCap > 0))
    throw new InputError(`--cost-cap: ${flags.costCap} must be a positive amount in USD`);
  const queue = queueConfigFromEnv(ctx.env);
  if (flags.detach && !queue)
    throw new InputError('--detach needs REDIS_URL: without it the run is processed in this process, which must stay to finish it');
  if (queue) {
    requireSharedStores(ctx.env);
    await assertRedisReachable(queue.url);
  }
  const variants = (flags.variant ?? []).map(variantRef);
  const nightly = nightlyOptions(flags);
  if (nightly && flags.detach)
    throw new InputError(
      '--nightly/--alert-on and --detach: the nightly steps run after the run, in this process; schedule it with `routelab schedule nightly` instead',
    );
  if (!flags.cache && flags.cacheOnly) throw new InputError('--no-cache and --cache-only: give one of them');
  if (!(flags.refreshRate >= 0 && flags.refreshRate <= 1)) throw new InputError(`--refresh-rate: ${flags.refreshRate} is not in [0, 1]`);

  const progress = progressBar(ctx);
  const done = await executeRun(ctx, {
    request: {
      policy: flags.policy,
      variants,
      source,
      ...(flags.golden && source.kind === 'sample' ? { golden: flags.golden } : {}),
      ...(flags.costCap !== undefined ? { cost_cap_usd: flags.costCap } : {}),
      holdout: flags.holdout,
      ...(flags.seed ? { seed: flags.seed } : {}),
      cache: !flags.cache ? 'off' : flags.cacheOnly ? 'only' : 'use',
      refresh_rate: flags.refreshRate,
      ...(nightly ? { nightly } : {}),
    },
    queue,
    detach: flags.detach,
    ...(flags.reportDir ? { reportDir: flags.reportDir } : {}),
    onQueued: (q) =>
      note(ctx, `run ${q.runId}: ${q.pairs} pairs in ${q.chunks} chunk jobs on ${q.queueName}; waiting for workers (\`routelab worker\`)`),
    onProgress: progress,
    onProcessed: () => progress.done(),
  });
  if (done.detached) {
    if (flags.json) return printJson(ctx, { run_id: done.runId, status: 'queued', pairs: done.pairs });
    return println(ctx, done.runId);
  }
  const { runId: run_id, report, nightly: finished } = done;
  const steps = finished?.steps ?? [];
  if (flags.json) printJson(ctx, nightly ? { ...report, steps, regressions: finished?.regressions?.flagged ?? [] } : report);
  else {
    printReport(ctx, report);
    printSteps(ctx, steps);
  }
  if (report.status === 'failed') throw new ExitError(`run ${run_id} failed${report.error ? `: ${report.error}` : ''}`, 1);
  if (finished?.alerted)
    throw new ExitError(`run ${run_id}: ${finished.regressions?.flagged.length ?? 0} regression(s) flagged (--alert-on regression)`, 1);
}

function sourceOf(flags: RunFlags): { kind: 'sample' | 'golden' | 'outcomes'; name: string } {
  if (flags.sample && flags.outcomes) throw new InputError('--sample and --outcomes: give one source of cases');
  if (flags.sample) return { kind: 'sample', name: flags.sample };
  if (flags.outcomes && flags.golden)
    throw new InputError('--golden and --outcomes: recorded outcomes carry their own scores; give one source of cases');
  if (flags.outcomes) return { kind: 'outcomes', name: flags.outcomes };
  if (flags.golden) return { kind: 'golden', name: flags.golden };
  throw new InputError('give the cases with one of --sample S, --golden G or --outcomes D');
}

/** A value naming a file that exists (or looking like one) is a policy file; anything else a policy name. */
function variantRef(value: string): VariantRef {
  const looksLikeFile = /\.(ya?ml|json)$/i.test(value) || value.includes('/');
  if (!looksLikeFile) return { kind: 'policy', name: value };
  if (!existsSync(value)) throw new InputError(`--variant ${value}: no such file (a registered policy name has no extension or slash)`);
  // Synchronous here, so no stream: only a regular file within the policy limit is read.
  const info = statSync(value);
  if (!info.isFile() || info.size > MAX_POLICY_BYTES)
    throw new InputError(`--variant ${value}: not a regular policy file of at most ${MAX_POLICY_BYTES} bytes`);
  return { kind: 'file', file: value, text: readFileSync(value, 'utf8') };
}

/** A one-line bar on stderr, only on a TTY: pipes and --json output stay clean. */
function progressBar(ctx: CliContext): ((done: number, total: number, pairs?: number, of?: number) => void) & { done(): void } {
  const tty = ctx.stderr.isTTY === true;
  let drawn = false;
  const draw = (done: number, total: number, pairs?: number, of?: number) => {
    if (!tty) return;
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const extra = pairs !== undefined && of !== undefined ? ` · ${pairs}/${of} pairs` : '';
    ctx.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} chunks${extra}\u001b[K`);
    drawn = true;
  };
  return Object.assign(draw, {
    done: () => {
      if (tty && drawn) ctx.stderr.write('\n');
    },
  });
}
