import type { Command } from 'commander';
import { InputError, NotFoundError } from '../../domain/errors.js';
import { DEFAULT_WEBHOOK_ENV } from '../../domain/nightly.js';
import { assertRedisReachable, queueConfigFromEnv, type QueueConfig } from '../../queue/connection.js';
import { NightlyPayload } from '../../queue/payloads.js';
import { listNightly, removeNightly, upsertNightly } from '../../queue/schedules.js';
import { collect, parseIntOption, parseNumberOption } from '../action.js';
import type { CliContext } from '../context.js';
import { printJson, println, table } from '../output.js';
import { nightlyOptions } from './nightly-flags.js';

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

export function registerSchedule(program: Command, ctx: CliContext): void {
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
    .action(async (flags: NightlyFlags) => scheduleNightly(ctx, flags));
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

/** `schedule nightly`: check the flags, then upsert the policy's job scheduler in Redis. */
async function scheduleNightly(ctx: CliContext, flags: NightlyFlags): Promise<void> {
  const fields = flags.cron.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6)
    throw new InputError(`--cron: "${flags.cron}" needs 5 fields (minute hour day month weekday), or 6 with seconds`);
  const window = parseWindow(flags.sampleFromLast);
  if (flags.size < 1) throw new InputError('--size: must be at least 1');
  if (!(flags.refreshRate >= 0 && flags.refreshRate <= 1)) throw new InputError(`--refresh-rate: ${flags.refreshRate} is not in [0, 1]`);
  const nightly = nightlyOptions({ ...flags, nightly: true });
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
