import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { dashboardActions } from '../../app/dashboard-actions.js';

export function registerDashboard(program: Command, ctx: CliContext): void {
  program
    .command('dashboard')
    .description('review runs and proposals; approve, promote, roll back (plain tables when not a TTY)')
    .option('--as <who>', 'reviewer name for approvals made in the dashboard')
    .option('--trends', 'the trends screen: regressions, sparklines per model, drill-down')
    .option('--policy <name>', 'with --trends: only this policy')
    .action(async (flags: { as?: string; trends?: boolean; policy?: string }) => {
      const { db } = await ctx.store();
      if (flags.trends) {
        const { runTrendsDashboard } = await import('../../dashboard/trends/run-trends-dashboard.js');
        return runTrendsDashboard({ db, ...(flags.policy ? { policy: flags.policy } : {}), stdout: ctx.stdout, env: ctx.env });
      }
      const { runDashboard } = await import('../../dashboard/run-dashboard.js');
      await runDashboard({
        db,
        actions: dashboardActions(ctx, ctx.actor(flags.as)),
        stdout: ctx.stdout,
        env: ctx.env,
        now: () => ctx.clock.now(),
      });
    });
}
