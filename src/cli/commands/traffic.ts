import { existsSync, readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { TrafficFormat } from '../../domain/traffic-record.js';
import { createSample, type SampleOptions, type SampleSummary } from '../../app/create-sample.js';
import { listSamples } from '../../store/repos/sample-repo.js';
import { listImports } from '../../store/repos/traffic-import-repo.js';
import { importTraffic, type ImportProgress } from '../../traffic/import.js';
import type { ImportSummary } from '../../traffic/import-summary.js';
import { parseBefore, purgeTraffic, type PurgeSelector } from '../../traffic/purge.js';
import { parseRedactConfig, REDACT_CONFIG_PATH } from '../../redact/redact-config.js';
import type { UserPattern } from '../../redact/redact-text.js';
import { collect, parseIntOption, parseNumberOption } from '../action.js';
import type { CliContext } from '../context.js';
import { note, printJson, printList, println, table } from '../output.js';

interface ImportFlags {
  file: string[];
  format: 'auto' | TrafficFormat;
  maxBadShare: number;
  redactPattern?: string[];
  redactConfig?: string;
  json?: boolean;
}

type SampleFlags = SampleOptions & { json?: boolean };

/** `routelab traffic import | sample | samples | imports`. */
export function registerTraffic(program: Command, ctx: CliContext): void {
  const traffic = program.command('traffic').description('Import production traffic (redacted) and draw samples to replay');

  traffic
    .command('import')
    .description('Import request logs; secrets and PII are redacted before anything is stored')
    .requiredOption('--file <path>', 'log file (repeat for Batch input + output)', collect)
    .addOption(new Option('--format <format>', 'input format').choices(['auto', ...TrafficFormat.options]).default('auto'))
    .option('--max-bad-share <share>', 'abandon the import above this share of bad lines', parseNumberOption('--max-bad-share'), 0.5)
    .option('--redact-pattern <regex>', 'also redact this pattern (repeatable)', collect)
    .option('--redact-config <file>', `redaction patterns file (default ${REDACT_CONFIG_PATH} if present)`)
    .option('--json', 'print JSON only')
    .action(async (flags: ImportFlags) => {
      const patterns = [...loadRedactConfig(flags.redactConfig), ...(flags.redactPattern ?? [])];
      const store = await ctx.store();
      const progress = ctx.stderr.isTTY ? progressLine(ctx) : undefined;
      const summary = await importTraffic(store, flags.file, {
        format: flags.format,
        maxBadShare: flags.maxBadShare,
        redactPatterns: patterns,
        ...(progress ? { onProgress: progress.update } : {}),
      });
      progress?.done();
      if (flags.json) return printJson(ctx, summary);
      printImport(ctx, summary);
    });

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

  traffic
    .command('imports')
    .description('List traffic imports with their state (running, completed, abandoned, failed)')
    .option('--json', 'print JSON only')
    .action(async (flags: { json?: boolean }) => {
      const store = await ctx.store();
      printList(ctx, await listImports(store.db, 100), {
        json: flags.json,
        asJson: (rows) =>
          rows.map((r) => ({
            id: r.id,
            state: r.state,
            file: r.file,
            format: r.format,
            imported: r.imported,
            duplicates: r.duplicates,
            quarantined: r.quarantined,
            redacted: r.redacted,
            not_replayable: r.notReplayable,
            error: r.error,
            pid: r.pid,
            created_at: r.createdAt.toISOString(),
            finished_at: r.finishedAt?.toISOString() ?? null,
          })),
        empty: 'no imports yet: routelab traffic import --file FILE',
        table: (rows) =>
          table(
            ['id', 'state', 'imported', 'dups', 'bad', 'started', 'file'],
            rows.map((r) => [
              r.id,
              r.state,
              r.imported,
              r.duplicates,
              r.quarantined,
              r.createdAt.toISOString().slice(0, 16),
              sanitizeInline(r.error ? `${r.file}: ${r.error}` : r.file),
            ]),
          ),
      });
    });

  traffic
    .command('purge')
    .description('Delete stored traffic and everything derived from it (sample items, cached answers, run cases)')
    .option('--import <id>', 'the import to remove (see traffic imports)', parseIntOption('--import'))
    .option('--before <time>', 'remove traffic recorded before this ISO-8601 time')
    .option('--json', 'print JSON only')
    .action(async (flags: { import?: number; before?: string; json?: boolean }) => {
      if ((flags.import === undefined) === (flags.before === undefined))
        throw new InputError('traffic purge: give exactly one of --import ID or --before T');
      const selector: PurgeSelector =
        flags.import !== undefined
          ? { kind: 'import', importId: flags.import }
          : { kind: 'before', before: parseBefore(flags.before as string) };
      const removed = await purgeTraffic(await ctx.store(), selector);
      if (flags.json) return printJson(ctx, { removed });
      println(
        ctx,
        `removed ${removed.traffic} traffic record(s), ${removed.sample_items} sample item(s), ${removed.cached_answers} cached answer(s)`,
      );
      println(
        ctx,
        `        ${removed.run_cases} run case(s), ${removed.run_outcomes} run outcome(s), ${removed.variant_results} variant result(s)`,
      );
      if (selector.kind === 'import')
        println(ctx, `        ${removed.quarantined_lines} quarantined line(s) and import ${selector.importId} itself`);
    });
}

function loadRedactConfig(explicit: string | undefined): UserPattern[] {
  const file = explicit ?? REDACT_CONFIG_PATH;
  if (!existsSync(file)) {
    if (explicit) throw new InputError(`--redact-config: ${file} does not exist`);
    return [];
  }
  return parseRedactConfig(readFileSync(file, 'utf8'), file);
}

function parseTime(flag: string) {
  return (value: string): string => {
    const ms = Date.parse(/(Z|[+-]\d\d:?\d\d)$/i.test(value) || /^\d{4}-\d\d-\d\d$/.test(value) ? value : `${value}Z`);
    if (!Number.isFinite(ms))
      throw new InputError(`${flag}: "${value}" is not a time (use ISO 8601, e.g. 2026-11-20 or 2026-11-20T08:00:00Z)`);
    return new Date(ms).toISOString();
  };
}

/** One self-overwriting stderr line, only on a terminal. */
function progressLine(ctx: CliContext) {
  let shown = false;
  return {
    update: (p: ImportProgress) => {
      const pct = p.totalBytes ? ` ${Math.min(100, Math.floor((100 * p.bytes) / p.totalBytes))}%` : '';
      ctx.stderr.write(`\rreading… ${p.lines.toLocaleString('en-US')} lines${pct}   `);
      shown = true;
    },
    done: () => {
      if (shown) ctx.stderr.write('\r\x1b[K');
    },
  };
}

function printImport(ctx: CliContext, s: ImportSummary): void {
  note(ctx, `format: ${s.format}${s.detected ? ' (detected from content)' : ''}`);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  println(
    ctx,
    `imported ${plural(s.imported, 'record')} (${s.not_replayable} not replayable), ${plural(s.duplicates, 'duplicate')}, ${s.quarantined_count} quarantined`,
  );
  if (s.skipped) println(ctx, `skipped ${s.skipped} non-generation value${s.skipped === 1 ? '' : 's'} (spans, events)`);
  const kinds = Object.entries(s.redacted_kinds).map(([k, n]) => `${k} ${n}`);
  println(ctx, `redacted ${s.redacted}${kinds.length ? ` (${kinds.join(', ')})` : ''}`);
  if (s.quarantined_count) {
    const multi = s.files.length > 1;
    println(ctx, 'quarantined:');
    for (const q of s.quarantined.slice(0, 20)) println(ctx, `  ${multi ? `${sanitizeInline(q.file)} ` : ''}line ${q.line}: ${q.reason}`);
    if (s.quarantined_count > 20) println(ctx, `  … and ${s.quarantined_count - 20} more (--json lists up to ${s.quarantined.length})`);
  }
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
