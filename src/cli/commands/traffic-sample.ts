import type { Command } from 'commander';
import { createSample, type SampleOptions, type SampleSummary } from '../../app/create-sample.js';
import { InputError } from '../../domain/errors.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { listSamples } from '../../store/repos/sample-repo.js';
import { parseIntOption, parseNumberOption } from '../action.js';
import type { CliContext } from '../context.js';
import { printJson, printList, println, table } from '../output.js';

type SampleFlags = SampleOptions & { json?: boolean };

/** `traffic sample` and `traffic samples`. */
export function registerTrafficSample(traffic: Command, ctx: CliContext): void {
  traffic
    .command('sample')
    .description('Draw a named, seeded sample of replayable traffic (uniform or stratified)')
    .requiredOption('--name <name>', 'sample name')
    .option('--size <k>', 'number of records', parseIntOption('--size'))
    .option('--rate <r>', 'share of the window, in (0, 1]', parseNumberOption('--rate'))
    .option('--stratify-by <field>', 'metadata field (e.g. intent), or model / format')
    .option('--min-per-stratum <m>', 'at least this many per stratum (if it has them)', parseIntOption('--min-per-stratum'))
    .option('--since <time>', 'only traffic at or after this time (ISO 8601)', parseTime('--since'))
    .option('--until <time>', 'only traffic before this time (ISO 8601)', parseTime('--until'))
    .option('--seed <seed>', 'seed (default: the sample name)')
    .option('--json', 'print JSON only')
    .action(async (flags: SampleFlags) => {
      const store = await ctx.store();
      const summary = await createSample(store.db, {
        name: flags.name,
        ...(flags.size !== undefined ? { size: flags.size } : {}),
        ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
        ...(flags.stratifyBy ? { stratifyBy: flags.stratifyBy } : {}),
        ...(flags.minPerStratum !== undefined ? { minPerStratum: flags.minPerStratum } : {}),
        ...(flags.since ? { since: flags.since } : {}),
        ...(flags.until ? { until: flags.until } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      });
      if (flags.json) return printJson(ctx, summary);
      printSample(ctx, summary);
    });

  traffic
    .command('samples')
    .description('List samples')
    .option('--json', 'print JSON only')
    .action(async (flags: { json?: boolean }) => {
      const store = await ctx.store();
      printList(ctx, await listSamples(store.db), {
        json: flags.json,
        empty: 'no samples yet: routelab traffic sample --name S --size K',
        table: (rows) =>
          table(
            ['sample', 'size', 'rate', 'seed', 'stratified by', 'created'],
            rows.map((r) => [
              sanitizeInline(r.name),
              r.size,
              rateText(r.rate),
              sanitizeInline(r.seed),
              String(r.method.stratify_by ?? '-'),
              r.createdAt.toISOString().slice(0, 16),
            ]),
          ),
      });
    });
}

function parseTime(flag: string) {
  return (value: string): string => {
    const ms = Date.parse(/(Z|[+-]\d\d:?\d\d)$/i.test(value) || /^\d{4}-\d\d-\d\d$/.test(value) ? value : `${value}Z`);
    if (!Number.isFinite(ms))
      throw new InputError(`${flag}: "${value}" is not a time (use ISO 8601, e.g. 2026-11-20 or 2026-11-20T08:00:00Z)`);
    return new Date(ms).toISOString();
  };
}

function rateText(rate: number): string {
  return rate >= 0.01 ? `${(rate * 100).toFixed(1)}%` : rate.toExponential(2);
}

function printSample(ctx: CliContext, s: SampleSummary): void {
  const window = s.since || s.until ? ` in [${s.since ?? '…'}, ${s.until ?? '…'})` : '';
  println(
    ctx,
    `sample "${sanitizeInline(s.name)}": ${s.size} of ${s.population} records${window}, rate ${rateText(s.rate)}, seed "${sanitizeInline(s.seed)}"`,
  );
  if (s.replayable < s.population)
    println(ctx, `drawn from the ${s.replayable} replayable records (${s.population - s.replayable} have no request content)`);
  if (s.stratify_by) {
    println(ctx, `stratified by ${sanitizeInline(s.stratify_by)}${s.min_per_stratum ? `, at least ${s.min_per_stratum} each` : ''}:`);
    println(
      ctx,
      table(
        ['stratum', 'replayable', 'sampled', 'share'],
        s.strata.map((x) => [sanitizeInline(x.stratum), x.population, x.sampled, x.population ? rateText(x.sampled / x.population) : '-']),
      ),
    );
  }
}
