import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Option, type Command } from 'commander';
import { formatIssue, InputError, type Issue } from '../../domain/errors.js';
import type { RecordedOutcomeLine } from '../../domain/outcome.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { readOutcomesJsonl } from '../../providers/outcomes-jsonl.js';
import { RecordedFormat, type RecordedItem } from '../../providers/recorded-item.js';
import { newColumnReport, withoutLabels, type ColumnReport } from '../../providers/label-columns.js';
import { readRouterbenchCsv } from '../../providers/routerbench-csv.js';
import { importRecordedOutcomes, listOutcomeSets, quarantineOutcomeRows } from '../../store/repos/recorded-outcomes-repo.js';
import type { CliContext } from '../context.js';
import { capStream, MAX_OUTCOMES_BYTES } from '../../providers/read-capped.js';
import { note, printJson, printList, println, table } from '../output.js';

/** Quarantined rows shown on the terminal; all of them are stored. */
const SHOWN = 5;

/** `routelab outcomes import | list`: recorded per-model outcomes, used instead of calling models. */
export function registerOutcomes(program: Command, ctx: CliContext): void {
  const outcomes = program
    .command('outcomes')
    .description('Recorded per-model outcomes (RouterBench CSV, JSONL): runs over them call no model');

  outcomes
    .command('import')
    .description('Import recorded outcomes; a bad row is quarantined with its line number')
    .requiredOption('--file <path>', 'RouterBench wide CSV or recorded-outcomes JSONL')
    .addOption(new Option('--format <format>', 'file format (default: from the extension)').choices([...RecordedFormat]))
    .option('--name <name>', 'dataset name (default: the file name without extension)')
    .option('--json', 'print JSON only')
    .action(async (opts: { file: string; format?: RecordedFormat; name?: string; json?: boolean }) => {
      const format = opts.format ?? formatFromExtension(opts.file);
      const name = opts.name ?? basename(opts.file, extname(opts.file));
      if (name.trim() === '') throw new InputError('--name: the dataset needs a name');
      await mustBeFile(opts.file);
      const quarantined: Issue[] = [];
      const columns = newColumnReport();
      const input = capStream(createReadStream(opts.file), opts.file, MAX_OUTCOMES_BYTES, 'outcome files');
      const items = format === 'jsonl' ? readOutcomesJsonl(input, opts.file) : readRouterbenchCsv(input, opts.file);
      const store = await ctx.store();
      const result = await importRecordedOutcomes(store.db, name, rowsOf(items, quarantined, columns), { format, file: opts.file });
      if (result.id === null) {
        throw new InputError(`${opts.file} holds no usable ${format} row; nothing was imported`, quarantined.slice(0, SHOWN));
      }
      await quarantineOutcomeRows(store.db, result.id, quarantined);
      const summary = {
        name,
        id: result.id,
        format,
        file: opts.file,
        imported: result.inserted,
        duplicates: result.duplicates,
        quarantined: quarantined.length,
        metadata_columns: [...columns.kept].sort(),
        label_columns: [...columns.labels].sort(),
        quarantine: quarantined.slice(0, 100),
      };
      if (opts.json) return printJson(ctx, summary);
      println(
        ctx,
        `outcomes "${name}": ${result.inserted} rows imported, ${result.duplicates} already present, ${quarantined.length} quarantined`,
      );
      note(ctx, `metadata kept (routable): ${summary.metadata_columns.map((c) => sanitizeInline(c)).join(', ') || 'none'}`);
      if (summary.label_columns.length)
        note(ctx, `label columns not kept as metadata: ${summary.label_columns.map((c) => sanitizeInline(c)).join(', ')}`);
      for (const q of quarantined.slice(0, SHOWN)) note(ctx, `  quarantined ${formatIssue(q)}`);
      if (quarantined.length > SHOWN) note(ctx, `  … and ${quarantined.length - SHOWN} more (see --json)`);
    });

  outcomes
    .command('list')
    .description('List recorded outcome datasets')
    .option('--json', 'print JSON only')
    .action(async (opts: { json?: boolean }) => {
      const store = await ctx.store();
      printList(ctx, await listOutcomeSets(store.db), {
        json: opts.json,
        empty: 'no recorded outcomes yet: routelab outcomes import --file F --format routerbench-csv|jsonl',
        table: (sets) =>
          table(
            ['name', 'format', 'cases', 'models', 'rows', 'quarantined'],
            sets.map((s) => [sanitizeInline(s.name), s.format, s.cases, s.models.length, s.rows, s.quarantined]),
          ),
      });
    });
}

async function* rowsOf(
  items: AsyncIterable<RecordedItem>,
  quarantined: Issue[],
  columns: ColumnReport,
): AsyncGenerator<RecordedOutcomeLine> {
  for await (const item of items) {
    // Labels stay labels: answer-describing columns never become routable case metadata.
    if (item.ok) yield item.row.metadata ? { ...item.row, metadata: withoutLabels(item.row.metadata, columns) } : item.row;
    else quarantined.push(item.issue);
  }
}

function formatFromExtension(file: string): RecordedFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'routerbench-csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new InputError(`--format: cannot tell the format of ${file} from its extension; give --format routerbench-csv or --format jsonl`);
}

async function mustBeFile(file: string): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new InputError(`--file: ${file} does not exist or is not a file`);
}
