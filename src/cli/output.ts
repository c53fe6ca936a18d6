import { sanitize } from '../domain/sanitize.js';
import { redactString } from '../redact/redact-text.js';
import { redactStrings } from '../redact/redact-strings.js';
import type { CliContext } from './context.js';

/**
 * Every line the CLI prints may quote untrusted text (a name, a reason, a model's answer, an error
 * from an endpoint): redacted, then stripped of escape sequences and invisible characters.
 */
export function terminalText(text: string): string {
  return sanitize(redactString(text));
}

/** `--json` prints machine-readable output on stdout and nothing else there; every string redacted. */
export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(redactStrings(value), null, 2)}\n`);
}

export function println(ctx: CliContext, line = ''): void {
  ctx.stdout.write(`${terminalText(line)}\n`);
}

/** Human notes (progress, warnings) go to stderr so stdout stays clean for pipes and --json. */
export function note(ctx: CliContext, line: string): void {
  ctx.stderr.write(`${terminalText(line)}\n`);
}

/** A plain table that fits 80 columns: the widest column is truncated first. */
export function table(headers: string[], rows: Array<Array<string | number>>, width = 80): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (total() > width) {
    const i = widths.indexOf(Math.max(...widths));
    if ((widths[i] ?? 0) <= 6) break;
    widths[i] = (widths[i] ?? 0) - 1;
  }
  const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, Math.max(0, w - 1))}…` : s.padEnd(w));
  const line = (r: string[]) =>
    r
      .map((c, i) => fit(c, widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

/**
 * The tail of every `list` command: the rows as JSON with --json, else a table, or, when there is
 * nothing yet, a hint naming the command that makes the first one.
 */
export function printList<T>(
  ctx: CliContext,
  rows: readonly T[],
  opts: { json?: boolean; asJson?: (rows: readonly T[]) => unknown; empty: string; table: (rows: readonly T[]) => string },
): void {
  if (opts.json) return printJson(ctx, opts.asJson ? opts.asJson(rows) : rows);
  println(ctx, rows.length === 0 ? opts.empty : opts.table(rows));
}
