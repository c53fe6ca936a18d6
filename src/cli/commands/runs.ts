import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError } from '../../domain/errors.js';
import { runReport } from '../../jobs/run-summary.js';
import { defaultReportDir } from '../../report/write-report.js';
import { failedSteps, listSteps } from '../../store/repos/nightly-repo.js';
import { listRuns } from '../../store/repos/run-repo.js';
import type { CliContext } from '../context.js';
import { printJson, printList, println, table } from '../output.js';
import { printReport, printSteps, usd } from './run-output.js';
import { registerRunsCompare } from './runs-compare.js';

export function registerRuns(program: Command, ctx: CliContext): void {
  const runs = program.command('runs').description('List and inspect runs');
  runs
    .command('list')
    .description('Recent runs, newest first')
    .option('--json', 'JSON on stdout')
    .action(async (flags: { json?: boolean }) => {
      const { db } = await ctx.store();
      const list = await listRuns(db);
      const failed = await failedSteps(
        db,
        list.map((r) => r.id),
      );
      printList(
        ctx,
        list.map((r) => ({ ...r, failed_steps: failed.get(r.id) ?? [] })),
        {
          json: flags.json,
          empty: 'no runs yet: `routelab run --policy N --golden G`',
          table: (rows) =>
            [
              table(
                // Newest first; no date column so that the run id (what `runs show` needs) is never cut.
                ['run', 'status', 'policy', 'source', 'pairs', 'cost'],
                rows.map((r) => [
                  r.id,
                  r.failed_steps.length ? `${r.status} ✗` : r.status,
                  r.policy,
                  `${r.sourceKind}:${r.sourceName}`,
                  r.pairs,
                  usd(r.costUsd),
                ]),
              ),
              // A failed nightly step is named below the table, where no column width can cut it.
              ...rows
                .filter((r) => r.failed_steps.length)
                .map((r) => `✗ ${r.id}: ${r.failed_steps.join(', ')} failed (routelab runs show ${r.id})`),
            ].join('\n'),
        },
      );
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
      const steps = await listSteps(db, runId);
      const reportFile = join(defaultReportDir(runId), 'report.md');
      const written = existsSync(reportFile);
      if (flags.json) return printJson(ctx, { ...report, steps, report: written ? reportFile : null });
      printReport(ctx, report);
      printSteps(ctx, steps);
      println(ctx);
      println(ctx, written ? `report: ${reportFile}` : `report: not written yet (\`routelab report ${runId}\`)`);
    });

  registerRunsCompare(runs, ctx);
}
