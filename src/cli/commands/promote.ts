import { Option, type Command } from 'commander';
import { sanitizeInline } from '../../domain/sanitize.js';
import { ExportFormat } from '../../policy/index.js';
import type { CliContext } from '../context.js';
import { println } from '../output.js';
import { DEFAULT_PROMOTE_DIR } from '../../app/deploy-entry.js';
import { promoteWithSink } from '../../app/promote.js';
import { parseFormat, requireProposalId, type DecisionFlags } from './review-flags.js';

export function registerPromote(program: Command, ctx: CliContext): void {
  program
    .command('promote')
    .description('make an approved proposal the active version and export it to the production sink')
    .argument('<P>', 'proposal id')
    .option('--out <dir>', `export directory (default: ROUTELAB_PROMOTE_DIR, else ${DEFAULT_PROMOTE_DIR})`)
    .addOption(new Option('--format <format>', 'export format').default('watsonx').argParser(parseFormat))
    .option('--comment <text>', 'note recorded with the promotion')
    .option('--as <who>', 'who promotes (default: ROUTELAB_USER, else the OS user)')
    .action(async (id: string, flags: DecisionFlags & { out?: string; format: ExportFormat }) => {
      const done = await promoteWithSink(ctx, await requireProposalId(ctx, id), {
        actor: ctx.actor(flags.as),
        comment: flags.comment ?? null,
        out: flags.out,
        format: flags.format,
      });
      const p = done.promotion;
      println(ctx, `promoted ${p.proposalId}: ${sanitizeInline(p.policyName)} v${p.fromVersion} → v${p.toVersion} (active)`);
      println(ctx, `export: ${done.file}`);
      if (done.commandRan) println(ctx, 'deploy command: ok');
    });
}
