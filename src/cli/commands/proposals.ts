import type { Command } from 'commander';
import { loadProposal } from '../../dashboard/data/load-proposal.js';
import { fmtDate } from '../../dashboard/view/format.js';
import { buildProposalView } from '../../dashboard/view/proposal-view.js';
import { lineText } from '../../dashboard/view/styled-line.js';
import { InputError } from '../../domain/errors.js';
import { ProposalStatus } from '../../domain/proposal.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { listProposalRows } from '../../store/repos/review-repo.js';
import type { CliContext } from '../context.js';
import { printList, println, table } from '../output.js';
import { requireProposalId } from './review-flags.js';

export function registerProposals(program: Command, ctx: CliContext): void {
  const proposalsCmd = program.command('proposals').description('list or show proposals (read-only)');
  proposalsCmd
    .command('list')
    .description('proposals, newest first, with their status and who decided')
    .option('--status <status>', 'only this status (pending, approved, rejected, promoted, no_change)')
    .option('--json', 'machine-readable output')
    .action(async (flags: { status?: string; json?: boolean }) => {
      if (flags.status !== undefined && !ProposalStatus.safeParse(flags.status).success) {
        throw new InputError(`--status: "${flags.status}" is not one of ${ProposalStatus.options.join(', ')}`);
      }
      const { db } = await ctx.store();
      printList(ctx, await listProposalRows(db, flags.status), {
        json: flags.json,
        empty: 'No proposals yet (routelab propose --run R).',
        table: (rows) =>
          table(
            ['proposal', 'policy', 'base', 'status', 'decided by', 'created (UTC)'],
            rows.map((r) => [
              r.id,
              sanitizeInline(r.policy),
              `v${r.baseVersion}`,
              r.status,
              sanitizeInline(r.decidedBy ?? '—'),
              fmtDate(r.createdAt),
            ]),
          ),
      });
    });
  proposalsCmd
    .command('show')
    .description('weights, rules, predicted impact, rationale and the policy diff of one proposal')
    .argument('<P>', 'proposal id')
    .action(async (id: string) => {
      const { db } = await ctx.store();
      const view = buildProposalView(
        await loadProposal(db, await requireProposalId(ctx, id)),
        Math.max(60, Math.min(ctx.stdout.columns ?? 80, 160)),
      );
      const lines = [...view.title.map(lineText)];
      for (const pane of view.panes) lines.push('', `-- ${pane.title}`, ...pane.lines.map(lineText));
      println(ctx, lines.map((l) => l.trimEnd()).join('\n'));
    });
}
