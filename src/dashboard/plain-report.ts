import type { DashboardSource } from './data/dashboard-source.js';
import { buildPromotionsView } from './view/promotions-view.js';
import { buildProposalView } from './view/proposal-view.js';
import { buildRunDetailView, computeRunDetailStats } from './view/run-detail-view.js';
import { buildRunsView } from './view/runs-view.js';
import { lineText, type Line } from './view/styled-line.js';

/**
 * The dashboard without a terminal (pipes, CI, `| less`): the same view models as the Ink screens,
 * printed once as plain tables — the runs, the latest run's detail, every proposal waiting for a
 * decision, and the promotion history.
 */
export async function renderPlainDashboard(source: DashboardSource, width = 80): Promise<string> {
  const out: string[] = [];
  const emit = (lines: Line[]) => out.push(...lines.map((l) => lineText(l).trimEnd()));
  const heading = (t: string) => out.push('', `== ${t} ${'='.repeat(Math.max(0, width - t.length - 4))}`);

  const runs = await source.loadRuns();
  heading('Runs');
  const rv = buildRunsView(runs, width + 2);
  if (rv.empty) out.push('No runs yet. Start one with `routelab run --policy NAME --sample S`.');
  else emit([rv.header, rv.rule, ...rv.rows]);

  const latest = runs.runs[0];
  if (latest) {
    const detail = await source.loadRun(latest.runId);
    const view = buildRunDetailView(detail, computeRunDetailStats(detail), width, 24);
    heading(`Run ${latest.runId}`);
    emit(view.title);
    for (const pane of view.panes) {
      out.push('', `-- ${pane.title}`);
      emit(pane.lines);
    }
  }

  const waiting = runs.runs.filter((r) => r.proposal && (r.proposal.status === 'pending' || r.proposal.status === 'approved')).slice(0, 5);
  for (const r of waiting) {
    const p = await source.loadProposal((r.proposal as { id: string }).id);
    const view = buildProposalView(p, width);
    heading(`Proposal ${p.id} (${p.status})`);
    emit(view.title);
    for (const pane of view.panes) {
      out.push('', `-- ${pane.title}`);
      emit(pane.lines);
    }
    out.push('', p.status === 'pending' ? `next: routelab approve ${p.id} --comment "…"` : `next: routelab promote ${p.id}`);
  }

  const promotions = await source.loadPromotions();
  heading('Promotions');
  if (promotions.policies.length === 0) out.push('No policies yet.');
  promotions.policies.forEach((_, i) => {
    const view = buildPromotionsView(promotions, i, width);
    if (i === 0) emit([view.policyHeader]);
    emit([view.policyRows[i] ?? []]);
  });
  promotions.policies.forEach((_, i) => {
    const view = buildPromotionsView(promotions, i, width);
    if (view.history.length) {
      out.push('');
      emit(view.history);
    }
  });
  return `${out.join('\n').replace(/^\n/, '')}\n`;
}
