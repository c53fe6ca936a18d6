import { relative } from 'node:path';
import type { DashboardActions } from '../dashboard/data/dashboard-source.js';
import { canonicalSpec } from '../dashboard/view/yaml-diff.js';
import { sanitizeInline } from '../domain/sanitize.js';
import { exportPolicy } from '../policy/index.js';
import { approveProposal, proposalSpec, rejectProposal } from '../store/repos/review-repo.js';
import type { AppContext } from './context.js';
import { promoteWithSink, rollbackWithSink } from './promote.js';

/** What the dashboard's keys do: the same functions as the commands, bound to this context. */
export function dashboardActions(ctx: AppContext, actor: string): DashboardActions {
  const at = () => new Date(ctx.clock.now());
  return {
    approve: async (proposalId, comment) => {
      const { db } = await ctx.store();
      await approveProposal(db, proposalId, { actor, comment: comment || null, at: at() });
      return `approved ${proposalId} as ${actor}`;
    },
    reject: async (proposalId, comment) => {
      const { db } = await ctx.store();
      await rejectProposal(db, proposalId, { actor, comment: comment || null, at: at() });
      return `rejected ${proposalId} as ${actor}`;
    },
    promote: async (proposalId) => {
      // The dashboard has no --format: watsonx when it can express the policy, else Portkey (which
      // has conditional routing); a policy neither can express is refused by the export as usual.
      const { db } = await ctx.store();
      const spec = canonicalSpec(await proposalSpec(db, proposalId));
      const format = exportPolicy(spec, 'watsonx').ok || !exportPolicy(spec, 'portkey').ok ? 'watsonx' : 'portkey';
      const done = await promoteWithSink(ctx, proposalId, { actor, format });
      // The status bar is one line: the path relative to where the user started, when that is shorter.
      const rel = relative(process.cwd(), done.file);
      const shown = rel.length < done.file.length ? rel : done.file;
      return `promoted: ${sanitizeInline(done.promotion.policyName)} v${done.promotion.fromVersion} → v${done.promotion.toVersion}; wrote ${shown}`;
    },
    rollback: async (policyName) => {
      const r = (await rollbackWithSink(ctx, policyName, { actor })).promotion;
      return `rolled back ${r.policyName}: v${r.fromVersion} → v${r.toVersion}`;
    },
  };
}
