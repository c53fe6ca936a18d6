import type { Command } from 'commander';
import { dashboardActions } from '../../app/dashboard-actions.js';
import { parseIntOption, parseNumberOption } from '../action.js';
import type { CliContext } from '../context.js';
import { printJson, println } from '../output.js';

interface DemoFlags {
  size: number;
  seed: string;
  maxCostRatio: number;
  reportDir: string;
  dashboard: boolean;
  json?: boolean;
}

/** `routelab demo` (what `npm start` runs): the whole nightly loop on simulated models, no setup. */
export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('Run the nightly loop on the bundled demo data: import, sample, replay 3 variants on simulated models, propose, report')
    .option('--size <k>', 'sampled requests to replay', parseIntOption('--size'), 600)
    .option('--seed <seed>', 'seed of the sample and the run', 'demo-nightly')
    .option(
      '--max-cost-ratio <x>',
      "proposal's cost ceiling as a share of the current policy's",
      parseNumberOption('--max-cost-ratio'),
      0.8,
    )
    .option('--report-dir <dir>', 'where reports are written', 'reports')
    .option('--no-dashboard', 'print the summary instead of opening the dashboard on a terminal')
    .option('--json', 'print the demo result as JSON only')
    .action(async (flags: DemoFlags) => {
      // Loaded on use: the demo pulls in every part of routelab, other commands need none of it.
      const { runDemo } = await import('../../demo/run-demo.js');
      const { demoSummary, nextSteps } = await import('../../demo/demo-summary.js');
      const result = await runDemo(ctx, {
        size: flags.size,
        seed: flags.seed,
        maxCostRatio: flags.maxCostRatio,
        reportRoot: flags.reportDir,
      });
      if (flags.json) return printJson(ctx, result);
      println(ctx, demoSummary(result));
      if (flags.dashboard && ctx.stdout.isTTY) {
        const { runDashboard } = await import('../../dashboard/run-dashboard.js');
        const store = await ctx.store();
        await runDashboard({
          db: store.db,
          actions: dashboardActions(ctx, ctx.actor()),
          stdout: ctx.stdout,
          env: ctx.env,
          now: () => ctx.clock.now(),
        });
      }
      const has = (name: string) => program.commands.some((c) => c.name() === name);
      println(ctx, nextSteps(result, process.cwd(), has));
    });
}
