import type { Command } from 'commander';
import { trends } from '../../app/trends.js';
import { InputError } from '../../domain/errors.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { sparkline } from '../../report/sparkline.js';
import type { CliContext } from '../context.js';
import { println, table } from '../output.js';

export function registerTrends(program: Command, ctx: CliContext): void {
  program
    .command('trends')
    .description('Quality, cost, p95 latency and errors per model and variant across runs')
    .option('--policy <name>', 'only runs of this policy')
    .option('--model <name>', 'only this model (or variant)')
    .option('--since <time>', 'only runs created at or after this ISO time')
    .option('--json', 'JSON on stdout: each run by run_id')
    .action(async (flags: { policy?: string; model?: string; since?: string; json?: boolean }) => {
      let since: Date | undefined;
      if (flags.since !== undefined) {
        since = new Date(flags.since);
        if (Number.isNaN(since.getTime()))
          throw new InputError(`--since: "${flags.since}" is not a time (e.g. 2026-11-01 or 2026-11-01T02:00:00Z)`);
      }
      const { db } = await ctx.store();
      const r = await trends(db, {
        ...(flags.policy ? { policy: flags.policy } : {}),
        ...(flags.model ? { model: flags.model } : {}),
        ...(since ? { since } : {}),
      });
      // Runs only (the series are the same figures regrouped), one line: a year of nightlies is
      // thousands of entries, and indenting them tripled the bytes written.
      if (flags.json) return void ctx.stdout.write(`${JSON.stringify({ runs: r.runs })}\n`);
      if (r.runs.length === 0) return println(ctx, 'no finished runs to show yet');
      println(ctx, `${r.runs.length} run(s), oldest ${r.runs[0]?.run_id} · newest ${r.runs[r.runs.length - 1]?.run_id}`);
      println(
        ctx,
        table(
          ['model / variant', 'quality (last 16)', 'last', 'cost/1k', 'p95 ms', 'err'],
          r.series.map((s) => {
            const last = s.points[s.points.length - 1];
            return [
              sanitizeInline(s.kind === 'variant' ? `variant ${s.name}` : s.name),
              sparkline(
                s.points.map((p) => p.quality),
                16,
              ),
              last ? `${last.quality.toFixed(3)}±${((last.quality_ci[1] - last.quality_ci[0]) / 2).toFixed(3)}` : '',
              last ? `$${last.cost_per_1k.toFixed(3)}` : '',
              last ? Math.round(last.p95_ms) : '',
              last ? `${(last.error_rate * 100).toFixed(1)}%` : '',
            ];
          }),
        ),
      );
    });
}
