import type { Command } from 'commander';
import { sanitizeInline } from '../../domain/sanitize.js';
import { rejectProposal } from '../../store/repos/review-repo.js';
import type { CliContext } from '../context.js';
import { println } from '../output.js';
import { requireProposalId, type DecisionFlags } from './review-flags.js';

export function registerReject(program: Command, ctx: CliContext): void {
  program
    .command('reject')
    .description('reject a pending proposal (records who, when and the comment)')
    .argument('<P>', 'proposal id')
    .option('--comment <text>', 'why you reject')
    .option('--as <who>', 'reviewer name (default: ROUTELAB_USER, else the OS user)')
    .action(async (id: string, flags: DecisionFlags) => {
      const { db } = await ctx.store();
      const r = await rejectProposal(db, await requireProposalId(ctx, id), {
        actor: ctx.actor(flags.as),
        comment: flags.comment ?? null,
        at: new Date(ctx.clock.now()),
      });
      println(ctx, `rejected ${r.proposalId} by ${sanitizeInline(r.actor)} at ${r.at.toISOString()}`);
    });
}
