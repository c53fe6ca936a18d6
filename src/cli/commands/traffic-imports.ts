import type { Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { listImports } from '../../store/repos/traffic-import-repo.js';
import { parseBefore, purgeTraffic, type PurgeSelector } from '../../traffic/purge.js';
import { parseIntOption } from '../action.js';
import type { CliContext } from '../context.js';
import { printJson, printList, println, table } from '../output.js';

/** `traffic imports` and `traffic purge`: the imports stored. */
export function registerTrafficImports(traffic: Command, ctx: CliContext): void {
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
