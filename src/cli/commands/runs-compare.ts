import type { Command } from 'commander';
import { compareStoredRuns } from '../../app/compare-runs.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import type { CliContext } from '../context.js';
import { printJson, println, table } from '../output.js';

/** `routelab runs compare A B`: a paired comparison of two runs on the cases they share. */
export function registerRunsCompare(runs: Command, ctx: CliContext): void {
  runs
    .command('compare')
    .description('Paired comparison of run B against run A on their shared cases')
    .argument('<a>', 'the earlier run (the reference)')
    .argument('<b>', 'the later run')
    .option('--segment-by <field>', 'metadata field to break results down by')
    .option('--json', 'JSON on stdout')
    .action(async (a: string, b: string, flags: { segmentBy?: string; json?: boolean }) => {
      const { db } = await ctx.store();
      const r = await compareStoredRuns(db, a, b, flags.segmentBy ? { segmentBy: flags.segmentBy } : {});
      if (flags.json) return printJson(ctx, r);
      println(ctx, `A ${r.run_a} · B ${r.run_b}`);
      println(ctx, `${r.shared_cases} shared cases · quality diff = B − A · 95% CI · p Holm-adjusted`);
      println(
        ctx,
        table(
          ['model / variant', 'segment', 'n', 'A', 'B', 'diff', 'CI', 'p_holm'],
          r.comparisons.map((c) => [
            sanitizeInline(c.kind === 'model' ? (c.model ?? '') : `variant ${c.variant ?? ''}`),
            sanitizeInline(c.segment),
            c.n,
            c.a.toFixed(3),
            c.b.toFixed(3),
            signed(c.diff),
            `${signed(c.ci[0])}..${signed(c.ci[1])}`,
            `${c.p_holm.toFixed(3)}${c.p_holm < 0.05 ? ' *' : ''}`,
          ]),
        ),
      );
      if (r.changed.length === 0) return println(ctx, '\nno case changed');
      println(ctx, '\ncases that changed most:');
      for (const c of r.changed) {
        println(ctx, `${sanitizeInline(c.case_id)} · ${sanitizeInline(c.model)} · ${c.a_score.toFixed(2)} → ${c.b_score.toFixed(2)}`);
        println(ctx, `  A: ${excerpt(c.a_output)}`);
        println(ctx, `  B: ${excerpt(c.b_output)}`);
      }
    });
}

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;

function excerpt(text: string | null): string {
  if (text === null) return '(no answer)';
  const t = sanitizeInline(text);
  return t.length > 74 ? `${t.slice(0, 73)}…` : t;
}
