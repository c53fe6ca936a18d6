import { Option, type Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { InputError } from '../../domain/errors.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { TrafficFormat } from '../../domain/traffic-record.js';
import { parseRedactConfig, REDACT_CONFIG_PATH } from '../../redact/redact-config.js';
import type { UserPattern } from '../../redact/redact-text.js';
import type { ImportSummary } from '../../traffic/import-summary.js';
import { importTraffic, type ImportProgress } from '../../traffic/import.js';
import { collect, parseNumberOption } from '../action.js';
import type { CliContext } from '../context.js';
import { note, printJson, println } from '../output.js';

interface ImportFlags {
  file: string[];
  format: 'auto' | TrafficFormat;
  maxBadShare: number;
  redactPattern?: string[];
  redactConfig?: string;
  json?: boolean;
}

/** `traffic import`: files in, redacted, quarantined line by line. */
export function registerTrafficImport(traffic: Command, ctx: CliContext): void {
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
}

function loadRedactConfig(explicit: string | undefined): UserPattern[] {
  const file = explicit ?? REDACT_CONFIG_PATH;
  if (!existsSync(file)) {
    if (explicit) throw new InputError(`--redact-config: ${file} does not exist`);
    return [];
  }
  return parseRedactConfig(readFileSync(file, 'utf8'), file);
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
