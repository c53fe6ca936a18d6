import { Option, type Command } from 'commander';
import { sanitizeInline } from '../../domain/sanitize.js';
import { ExportFormat } from '../../policy/index.js';
import { parseIntOption } from '../action.js';
import type { CliContext } from '../context.js';
import { println } from '../output.js';
import { DEFAULT_PROMOTE_DIR } from '../../app/deploy-entry.js';
import { rollbackWithSink } from '../../app/promote.js';
import { parseFormat, type DecisionFlags } from './review-flags.js';

export function registerRollback(program: Command, ctx: CliContext): void {
  program
    .command('rollback')
    .description('export, deploy and activate an earlier version (default: the last one deployed)')
    .requiredOption('-n, --name <policy>', 'policy name')
    .option('--to <version>', 'version number to make active', parseIntOption('--to'))
    .option('--out <dir>', `export directory (default: ROUTELAB_PROMOTE_DIR, else ${DEFAULT_PROMOTE_DIR})`)
    .addOption(new Option('--format <format>', 'export format').default('watsonx').argParser(parseFormat))
    .option('--comment <text>', 'note recorded with the rollback')
    .option('--as <who>', 'who rolls back (default: ROUTELAB_USER, else the OS user)')
    .action(async (flags: DecisionFlags & { name: string; to?: number; out?: string; format: ExportFormat }) => {
      const done = await rollbackWithSink(ctx, flags.name, {
        to: flags.to,
        actor: ctx.actor(flags.as),
        comment: flags.comment ?? null,
        out: flags.out,
        format: flags.format,
      });
      const r = done.promotion;
      println(ctx, `rolled back ${sanitizeInline(r.policyName)}: v${r.fromVersion} → v${r.toVersion} (active)`);
      println(ctx, `export: ${done.file}`);
      if (done.commandRan) println(ctx, 'deploy command: ok');
    });
}
