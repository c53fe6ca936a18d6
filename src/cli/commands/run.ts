// Over 300 lines (to split next session into run, runs, worker and schedule files): four commands registered together.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { MAX_POLICY_BYTES } from '../../policy/yaml-source.js';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError, NotFoundError } from '../../domain/errors.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { createRun } from '../../jobs/create-run.js';
import { planRun } from '../../jobs/plan-run.js';
import { processRunLocally } from '../../jobs/run-locally.js';
import type { VariantRef } from '../../jobs/run-request.js';
import { runReport, type RunReport } from '../../jobs/run-summary.js';
import { waitForRun } from '../../jobs/wait-for-run.js';
import { enqueueRun } from '../../queue/bullmq-runner.js';
import { assertRedisReachable, queueConfigFromEnv, type QueueConfig } from '../../queue/connection.js';
import { NightlyPayload } from '../../queue/payloads.js';
import { listNightly, removeNightly, upsertNightly } from '../../queue/schedules.js';
import { defaultReportDir } from '../../report/write-report.js';
import { listRuns } from '../../store/repos/run-repo.js';
import { failedSteps, listSteps, type RunStep } from '../../store/repos/nightly-repo.js';
import { finishNightly } from '../../app/nightly-steps.js';
import { DEFAULT_WEBHOOK_ENV, NightlyOptions } from '../../domain/nightly.js';
import { requireSharedStores, runUntilSignalled, startRoutelabWorker } from '../../app/worker.js';
import { collect, ExitError, parseIntOption, parseNumberOption } from '../action.js';
import type { CliContext } from '../context.js';
import { registerRunsCompare } from './runs-compare.js';
import { note, printJson, printList, println, table } from '../output.js';

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

  const runs = program.command('runs').description('List and inspect runs');
  runs
    .command('list')
    .description('Recent runs, newest first')
    .option('--json', 'JSON on stdout')
    .action(async (flags: { json?: boolean }) => {
      const { db } = await ctx.store();
      const list = await listRuns(db);
      const failed = await failedSteps(
        db,
        list.map((r) => r.id),
      );
      printList(
        ctx,
        list.map((r) => ({ ...r, failed_steps: failed.get(r.id) ?? [] })),
        {
          json: flags.json,
          empty: 'no runs yet: `routelab run --policy N --golden G`',
          table: (rows) =>
            [
              table(
                // Newest first; no date column so that the run id (what `runs show` needs) is never cut.
                ['run', 'status', 'policy', 'source', 'pairs', 'cost'],
                rows.map((r) => [
                  r.id,
                  r.failed_steps.length ? `${r.status} ✗` : r.status,
                  r.policy,
                  `${r.sourceKind}:${r.sourceName}`,
                  r.pairs,
                  usd(r.costUsd),
                ]),
              ),
              // A failed nightly step is named below the table, where no column width can cut it.
              ...rows
                .filter((r) => r.failed_steps.length)
                .map((r) => `✗ ${r.id}: ${r.failed_steps.join(', ')} failed (routelab runs show ${r.id})`),
            ].join('\n'),
        },
      );
    });
  runs
    .command('show')
    .description('A run’s summary per variant')
    .argument('<run>', 'run id')
    .option('--json', 'JSON on stdout')
    .action(async (runId: string, flags: { json?: boolean }) => {
      const { db } = await ctx.store();
      const report = await runReport(db, runId);
      if (!report) throw new NotFoundError('run', runId, 'see `routelab runs list`');
      const steps = await listSteps(db, runId);
      const reportFile = join(defaultReportDir(runId), 'report.md');
      const written = existsSync(reportFile);
      if (flags.json) return printJson(ctx, { ...report, steps, report: written ? reportFile : null });
      printReport(ctx, report);
      printSteps(ctx, steps);
      println(ctx);
      println(ctx, written ? `report: ${reportFile}` : `report: not written yet (\`routelab report ${runId}\`)`);
    });

  registerRunsCompare(runs, ctx);

  program
    .command('worker')
    .description('Process run jobs from Redis (needs REDIS_URL and DATABASE_URL)')
    .option('--concurrency <k>', 'jobs at once', parseIntOption('--concurrency'), 2)
    .action(async (flags: { concurrency: number }) => {
      if (flags.concurrency < 1) throw new InputError('--concurrency: must be at least 1');
      const log = (line: string) => note(ctx, line);
      const worker = await startRoutelabWorker({ env: ctx.env, concurrency: flags.concurrency, log });
      await runUntilSignalled(worker, log);
    });

  registerSchedule(program, ctx);
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

  const store = await ctx.store();
  const { run_id } = await createRun(
    store.db,
    {
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
    { clock: ctx.clock },
  );
  const plan = await planRun(store.db, run_id);
  const progress = progressBar(ctx);

  if (queue) {
    await enqueueRun(queue, run_id, plan.chunks);
    if (flags.detach) {
      if (flags.json) return printJson(ctx, { run_id, status: 'queued', pairs: plan.pairs });
      return println(ctx, run_id);
    }
    note(
      ctx,
      `run ${run_id}: ${plan.pairs} pairs in ${plan.chunks.length} chunk jobs on ${queue.queueName}; waiting for workers (\`routelab worker\`)`,
    );
    await waitForRun(store.db, run_id, {
      onProgress: (p) => progress(p.chunksFinished, p.chunks, p.pairsStored, p.pairs),
      ...stallOption(ctx.env),
    });
  } else {
    progress(0, plan.chunks.length, 0, plan.pairs);
    await processRunLocally(store.db, run_id, plan.chunks, {
      env: ctx.env,
      clock: ctx.clock,
      onChunk: (done, total) => progress(done, total),
    });
  }
  progress.done();
  const finished = nightly
    ? await finishNightly(store.db, run_id, { clock: ctx.clock, env: ctx.env, ...(flags.reportDir ? { reportDir: flags.reportDir } : {}) })
    : null;
  const report = await runReport(store.db, run_id);
  if (!report) throw new Error(`run ${run_id} vanished`);
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

/** The nightly options the flags ask for, or null for a plain run. */
function nightlyOptions(flags: RunFlags): NightlyOptions | null {
  if (flags.alertOn !== undefined && flags.alertOn !== 'regression')
    throw new InputError(`--alert-on: "${flags.alertOn}" is not supported; use --alert-on regression`);
  if (!flags.nightly && !flags.alertOn) {
    if (flags.webhookEnv || flags.segmentBy || flags.reportDir)
      throw new InputError('--webhook-env / --segment-by / --report-dir go with --nightly');
    return null;
  }
  const parsed = NightlyOptions.safeParse({
    ...(flags.alertOn ? { alert_on: flags.alertOn } : {}),
    ...(flags.webhookEnv ? { webhook_env: flags.webhookEnv } : {}),
    ...(flags.segmentBy ? { segment_by: flags.segmentBy } : {}),
  });
  if (!parsed.success) throw new InputError(`--webhook-env: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

function printSteps(ctx: CliContext, steps: readonly RunStep[]): void {
  if (steps.length === 0) return;
  println(ctx);
  for (const s of steps)
    println(
      ctx,
      `${s.status === 'failed' ? '✗' : s.status === 'skipped' ? '-' : '✓'} ${s.step.padEnd(8)} ${sanitizeInline(s.detail ?? '').slice(0, 68)}`,
    );
}

/** ROUTELAB_STALL_SECONDS: how long the workers may store nothing before the run is failed. */
function stallOption(env: NodeJS.ProcessEnv): { stallMs?: number } {
  const raw = env.ROUTELAB_STALL_SECONDS;
  if (raw === undefined || raw === '') return {};
  const secs = Number(raw);
  if (!(Number.isFinite(secs) && secs > 0))
    throw new InputError(`ROUTELAB_STALL_SECONDS: ${JSON.stringify(raw)} is not a positive number of seconds`);
  return { stallMs: secs * 1000 };
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

function printReport(ctx: CliContext, r: RunReport): void {
  const cov = r.coverage !== null && r.coverage < 1 ? ` · coverage ${(r.coverage * 100).toFixed(1)}%` : '';
  println(ctx, `run ${r.run_id} ${r.status} · policy ${r.policy} · ${r.source.kind} ${r.source.name}${cov}`);
  println(
    ctx,
    `${r.pairs} pairs: ${r.model_calls} model calls, ${r.cache_hits} cache hits, ${r.recorded} recorded · spent ${usd(r.cost_usd)}${r.cost_cap_usd !== null ? ` of ${usd(r.cost_cap_usd)} cap` : ''}`,
  );
  if (r.cache.length > 0) {
    const mode = r.cache_mode === 'use' ? `refresh rate ${r.refresh_rate}` : r.cache_mode === 'off' ? 'cache off' : 'cache only';
    println(ctx, `cache (${mode}), per model: hits / misses / refreshes`);
    for (const m of r.cache) println(ctx, `  ${sanitizeInline(m.model).slice(0, 50).padEnd(50)} ${m.hits} / ${m.misses} / ${m.refreshes}`);
  }
  println(ctx);
  println(
    ctx,
    table(
      ['variant', 'ver', 'cases', 'quality', 'cost/1k', 'p95 ms', 'errors'],
      r.variants.map((v, i) => [
        i === 0 ? `${v.name} (baseline)` : v.name,
        v.version ?? 'file',
        v.cases,
        v.quality.toFixed(3),
        usd(v.cost_per_1k),
        Math.round(v.p95_ms),
        `${(v.error_rate * 100).toFixed(1)}%`,
      ]),
    ),
  );
  for (const n of r.notes) println(ctx, `note: ${n}`);
  if (r.error) println(ctx, `error: ${r.error}`);
}

const usd = (n: number) => (n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(4)}`);

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

// ── schedule ────────────────────────────────────────────────────────────────────────────────────

interface NightlyFlags {
  cron: string;
  tz?: string;
  policy: string;
  variant?: string[];
  sampleFromLast: string;
  size: number;
  golden?: string;
  costCap?: number;
  holdout: number;
  refreshRate: number;
  alertOn?: string;
  webhookEnv?: string;
  json?: boolean;
}

function registerSchedule(program: Command, ctx: CliContext): void {
  const schedule = program.command('schedule').description('Nightly runs on BullMQ job schedulers (needs REDIS_URL)');
  schedule
    .command('nightly')
    .description('Every slot: sample the last window of traffic, then run the policy and its variants')
    .requiredOption('--cron <expr>', 'cron pattern, e.g. "0 2 * * *"')
    .option('--tz <zone>', 'IANA time zone of the pattern (default UTC)')
    .requiredOption('--policy <name>', 'registered policy')
    .option('--variant <name>', 'registered policy to compare (repeatable)', collect)
    .requiredOption('--sample-from-last <window>', 'traffic window before each slot, e.g. 24h, 90m, 7d')
    .requiredOption('--size <k>', 'cases to sample each slot', parseIntOption('--size'))
    .option('--golden <name>', 'golden set scoring matched cases')
    .option('--cost-cap <usd>', 'hard cap per run', parseNumberOption('--cost-cap'))
    .option('--holdout <share>', 'held-out share', parseNumberOption('--holdout'), 0.3)
    .option('--refresh-rate <share>', 're-ask this share of cached pairs each night', parseNumberOption('--refresh-rate'), 0.1)
    .option('--alert-on <what>', '"regression": POST the webhook when one is flagged')
    .option('--webhook-env <name>', `variable holding the webhook URL (default ${DEFAULT_WEBHOOK_ENV})`)
    .option('--json', 'JSON on stdout')
    .action(async (flags: NightlyFlags) => {
      const fields = flags.cron.trim().split(/\s+/);
      if (fields.length < 5 || fields.length > 6)
        throw new InputError(`--cron: "${flags.cron}" needs 5 fields (minute hour day month weekday), or 6 with seconds`);
      const window = parseWindow(flags.sampleFromLast);
      if (flags.size < 1) throw new InputError('--size: must be at least 1');
      if (!(flags.refreshRate >= 0 && flags.refreshRate <= 1))
        throw new InputError(`--refresh-rate: ${flags.refreshRate} is not in [0, 1]`);
      const nightly = nightlyOptions({ ...flags, nightly: true, cache: true });
      for (const v of flags.variant ?? []) {
        if (/\.(ya?ml|json)$/i.test(v) || v.includes('/'))
          throw new InputError(
            `--variant ${v}: a schedule runs on workers that cannot read your files; register it with \`routelab policy import\` and name it`,
          );
      }
      const queue = queueConfigFromEnv(ctx.env);
      if (!queue)
        throw new InputError(
          `REDIS_URL is not set: nightly schedules live in Redis, where \`routelab worker\` processes pick them up.\nWithout Redis, an equivalent crontab line is:\n${crontabLine(flags, { postgres: Boolean(ctx.env.DATABASE_URL) })}`,
        );
      await assertRedisReachable(queue.url);
      const payload = NightlyPayload.parse({
        policy: flags.policy,
        variants: flags.variant ?? [],
        window_ms: window,
        size: flags.size,
        ...(flags.golden ? { golden: flags.golden } : {}),
        ...(flags.costCap !== undefined ? { cost_cap_usd: flags.costCap } : {}),
        holdout: flags.holdout,
        refresh_rate: flags.refreshRate,
        nightly: nightly ?? {},
      });
      const info = await upsertNightly(queue, flags.cron, flags.tz, payload).catch((e: unknown) => {
        throw new InputError(`--cron/--tz: ${e instanceof Error ? e.message : String(e)}`);
      });
      if (flags.json) return printJson(ctx, info);
      println(ctx, `scheduled ${info.id}: "${flags.cron}"${flags.tz ? ` (${flags.tz})` : ' (UTC)'} · next ${info.next ?? 'unknown'}`);
    });
  schedule
    .command('list')
    .description('Nightly schedules in Redis')
    .option('--json', 'JSON on stdout')
    .action(async (flags: { json?: boolean }) => {
      const queue = await requireQueue(ctx);
      const all = await listNightly(queue);
      if (flags.json) return printJson(ctx, all);
      if (all.length === 0) return println(ctx, 'no schedules');
      println(
        ctx,
        table(
          ['schedule', 'cron', 'tz', 'next', 'size'],
          all.map((s) => [s.id, s.cron ?? '', s.tz ?? 'UTC', s.next ?? '', s.payload?.size ?? '']),
        ),
      );
    });
  schedule
    .command('remove')
    .description('Remove a policy’s nightly schedule')
    .requiredOption('--policy <name>', 'policy whose schedule to remove')
    .action(async (flags: { policy: string }) => {
      const queue = await requireQueue(ctx);
      if (!(await removeNightly(queue, flags.policy)))
        throw new NotFoundError('schedule', `nightly-${flags.policy}`, 'see `routelab schedule list`');
      println(ctx, `removed nightly-${flags.policy}`);
    });
}

async function requireQueue(ctx: CliContext): Promise<QueueConfig> {
  const queue = queueConfigFromEnv(ctx.env);
  if (!queue) throw new InputError('REDIS_URL is not set: schedules live in Redis');
  await assertRedisReachable(queue.url);
  return queue;
}

function parseWindow(text: string): number {
  const m = /^(\d+)\s*(m|h|d)$/.exec(text.trim());
  if (!m) throw new InputError(`--sample-from-last: "${text}" is not a window like 90m, 24h or 7d`);
  const n = Number(m[1]);
  const unit = m[2] === 'm' ? 60_000 : m[2] === 'h' ? 3_600_000 : 86_400_000;
  if (n <= 0) throw new InputError('--sample-from-last: must be longer than zero');
  return n * unit;
}

/**
 * What cron would run instead: sample the window, then run (GNU date computes the window start). The
 * store is named by reference only: `${DATABASE_URL:?…}` makes the line fail loudly when the crontab's
 * environment lacks it, and no secret value is ever printed.
 */
export function crontabLine(
  flags: Pick<NightlyFlags, 'cron' | 'tz' | 'policy' | 'variant' | 'sampleFromLast' | 'size' | 'golden' | 'costCap'> &
    Partial<Pick<NightlyFlags, 'holdout' | 'refreshRate' | 'alertOn' | 'webhookEnv'>>,
  opts: { postgres: boolean } = { postgres: false },
): string {
  const m = /^(\d+)\s*(m|h|d)$/.exec(flags.sampleFromLast.trim());
  const ago = m ? `${m[1]} ${m[2] === 'm' ? 'minutes' : m[2] === 'h' ? 'hours' : 'days'} ago` : '24 hours ago';
  const name = `nightly-${flags.policy}-$(date -u +\\%Y\\%m\\%dT\\%H\\%M)`;
  const variants = (flags.variant ?? []).map((v) => ` --variant ${v}`).join('');
  const extra = [
    flags.golden ? ` --golden ${flags.golden}` : '',
    flags.costCap !== undefined ? ` --cost-cap ${flags.costCap}` : '',
    flags.holdout !== undefined ? ` --holdout ${flags.holdout}` : '',
    ` --refresh-rate ${flags.refreshRate ?? 0.1}`,
    ' --seed "$S" --nightly',
    flags.alertOn ? ` --alert-on ${flags.alertOn}` : '',
    flags.webhookEnv ? ` --webhook-env ${flags.webhookEnv}` : '',
  ].join('');
  const tz = flags.tz ? `CRON_TZ=${flags.tz}\n` : '';
  const store = opts.postgres ? 'export DATABASE_URL="${DATABASE_URL:?set DATABASE_URL in the crontab environment}" && ' : '';
  return `${tz}${flags.cron} cd ${process.cwd()} && ${store}S=${name} && routelab traffic sample --name "$S" --size ${flags.size} --since "$(date -u -d '${ago}' +\\%Y-\\%m-\\%dT\\%H:\\%M:\\%SZ)" && routelab run --policy ${flags.policy}${variants} --sample "$S"${extra}`;
}
