import { existsSync, readFileSync, statSync } from 'node:fs';
import { MAX_POLICY_BYTES } from '../../policy/yaml-source.js';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError, NotFoundError } from '../../domain/errors.js';
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
import { requireSharedStores, runUntilSignalled, startRoutelabWorker } from '../../../workers/worker.js';
import { collect, ExitError, parseIntOption, parseNumberOption } from '../action.js';
import type { CliContext } from '../context.js';
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
      printList(ctx, await listRuns(db), {
        json: flags.json,
        empty: 'no runs yet: `routelab run --policy N --golden G`',
        table: (rows) =>
          table(
            // Newest first; no date column so that the run id (what `runs show` needs) is never cut.
            ['run', 'status', 'policy', 'source', 'pairs', 'cost'],
            rows.map((r) => [r.id, r.status, r.policy, `${r.sourceKind}:${r.sourceName}`, r.pairs, usd(r.costUsd)]),
          ),
      });
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
      const reportFile = join(defaultReportDir(runId), 'report.md');
      const written = existsSync(reportFile);
      if (flags.json) return printJson(ctx, { ...report, report: written ? reportFile : null });
      printReport(ctx, report);
      println(ctx);
      println(ctx, written ? `report: ${reportFile}` : `report: not written yet (\`routelab report ${runId}\`)`);
    });

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
  if (flags.costCap !== undefined && !(flags.costCap > 0)) throw new InputError(`--cost-cap: ${flags.costCap} must be a positive amount in USD`);
  const queue = queueConfigFromEnv(ctx.env);
  if (flags.detach && !queue) throw new InputError('--detach needs REDIS_URL: without it the run is processed in this process, which must stay to finish it');
  if (queue) {
    requireSharedStores(ctx.env);
    await assertRedisReachable(queue.url);
  }
  const variants = (flags.variant ?? []).map(variantRef);

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
    note(ctx, `run ${run_id}: ${plan.pairs} pairs in ${plan.chunks.length} chunk jobs on ${queue.queueName}; waiting for workers (\`routelab worker\`)`);
    await waitForRun(store.db, run_id, { onProgress: (p) => progress(p.chunksFinished, p.chunks, p.pairsStored, p.pairs) });
  } else {
    progress(0, plan.chunks.length, 0, plan.pairs);
    await processRunLocally(store.db, run_id, plan.chunks, { env: ctx.env, clock: ctx.clock, onChunk: (done, total) => progress(done, total) });
  }
  progress.done();
  const report = await runReport(store.db, run_id);
  if (!report) throw new Error(`run ${run_id} vanished`);
  if (flags.json) printJson(ctx, report);
  else printReport(ctx, report);
  if (report.status === 'failed') throw new ExitError(`run ${run_id} failed${report.error ? `: ${report.error}` : ''}`, 1);
}

function sourceOf(flags: RunFlags): { kind: 'sample' | 'golden' | 'outcomes'; name: string } {
  if (flags.sample && flags.outcomes) throw new InputError('--sample and --outcomes: give one source of cases');
  if (flags.sample) return { kind: 'sample', name: flags.sample };
  if (flags.outcomes && flags.golden) throw new InputError('--golden and --outcomes: recorded outcomes carry their own scores; give one source of cases');
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
  if (!info.isFile() || info.size > MAX_POLICY_BYTES) throw new InputError(`--variant ${value}: not a regular policy file of at most ${MAX_POLICY_BYTES} bytes`);
  return { kind: 'file', file: value, text: readFileSync(value, 'utf8') };
}

function printReport(ctx: CliContext, r: RunReport): void {
  const cov = r.coverage !== null && r.coverage < 1 ? ` · coverage ${(r.coverage * 100).toFixed(1)}%` : '';
  println(ctx, `run ${r.run_id} ${r.status} · policy ${r.policy} · ${r.source.kind} ${r.source.name}${cov}`);
  println(ctx, `${r.pairs} pairs: ${r.model_calls} model calls, ${r.cache_hits} cache hits, ${r.recorded} recorded · spent ${usd(r.cost_usd)}${r.cost_cap_usd !== null ? ` of ${usd(r.cost_cap_usd)} cap` : ''}`);
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
    .option('--json', 'JSON on stdout')
    .action(async (flags: NightlyFlags) => {
      const fields = flags.cron.trim().split(/\s+/);
      if (fields.length < 5 || fields.length > 6) throw new InputError(`--cron: "${flags.cron}" needs 5 fields (minute hour day month weekday), or 6 with seconds`);
      const window = parseWindow(flags.sampleFromLast);
      if (flags.size < 1) throw new InputError('--size: must be at least 1');
      for (const v of flags.variant ?? []) {
        if (/\.(ya?ml|json)$/i.test(v) || v.includes('/')) throw new InputError(`--variant ${v}: a schedule runs on workers that cannot read your files; register it with \`routelab policy import\` and name it`);
      }
      const queue = queueConfigFromEnv(ctx.env);
      if (!queue) throw new InputError(`REDIS_URL is not set: nightly schedules live in Redis, where \`routelab worker\` processes pick them up.\nWithout Redis, an equivalent crontab line is:\n${crontabLine(flags)}`);
      await assertRedisReachable(queue.url);
      const payload = NightlyPayload.parse({
        policy: flags.policy,
        variants: flags.variant ?? [],
        window_ms: window,
        size: flags.size,
        ...(flags.golden ? { golden: flags.golden } : {}),
        ...(flags.costCap !== undefined ? { cost_cap_usd: flags.costCap } : {}),
        holdout: flags.holdout,
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
      println(ctx, table(['schedule', 'cron', 'tz', 'next', 'size'], all.map((s) => [s.id, s.cron ?? '', s.tz ?? 'UTC', s.next ?? '', s.payload?.size ?? ''])));
    });
  schedule
    .command('remove')
    .description('Remove a policy’s nightly schedule')
    .requiredOption('--policy <name>', 'policy whose schedule to remove')
    .action(async (flags: { policy: string }) => {
      const queue = await requireQueue(ctx);
      if (!(await removeNightly(queue, flags.policy))) throw new NotFoundError('schedule', `nightly-${flags.policy}`, 'see `routelab schedule list`');
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

/** What cron would run instead: sample the window, then run (GNU date computes the window start). */
export function crontabLine(flags: Pick<NightlyFlags, 'cron' | 'tz' | 'policy' | 'variant' | 'sampleFromLast' | 'size' | 'golden' | 'costCap'>): string {
  const m = /^(\d+)\s*(m|h|d)$/.exec(flags.sampleFromLast.trim());
  const ago = m ? `${m[1]} ${m[2] === 'm' ? 'minutes' : m[2] === 'h' ? 'hours' : 'days'} ago` : '24 hours ago';
  const name = `nightly-${flags.policy}-$(date -u +\\%Y\\%m\\%dT\\%H\\%M)`;
  const variants = (flags.variant ?? []).map((v) => ` --variant ${v}`).join('');
  const extra = `${flags.golden ? ` --golden ${flags.golden}` : ''}${flags.costCap !== undefined ? ` --cost-cap ${flags.costCap}` : ''}`;
  const tz = flags.tz ? `CRON_TZ=${flags.tz}\n` : '';
  return `${tz}${flags.cron} cd ${process.cwd()} && S=${name} && routelab traffic sample --name "$S" --size ${flags.size} --since "$(date -u -d '${ago}' +\\%Y-\\%m-\\%dT\\%H:\\%M:\\%SZ)" && routelab run --policy ${flags.policy}${variants} --sample "$S"${extra}`;
}
