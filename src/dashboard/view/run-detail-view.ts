import { sanitizeInline } from '../../domain/sanitize.js';
import type { RunDetailData } from '../data/dashboard-data.js';
import { fmtDate, fmtPct, fmtUsd } from './format.js';
import type { Pane } from './pane-layout.js';
import { progressText } from './runs-view.js';
import { scatterChart, type ChartPoint } from './scatter-chart.js';
import { computeScoreboard, scoreboardLines, type ScoreCell } from './scoreboard.js';
import { span, type Line } from './styled-line.js';
import { computeVariantStats, variantLines, type VariantStat } from './variant-comparison.js';

export interface RunDetailStats {
  scoreboard: ScoreCell[];
  variants: VariantStat[];
}

/**
 * The expensive part (bootstraps), computed once per loaded run, not once per keypress. A run still
 * going is reloaded every second, so its intervals use fewer resamples (they move anyway).
 */
export function computeRunDetailStats(data: RunDetailData): RunDetailStats {
  const live = data.run.status === 'running' || data.run.status === 'queued';
  return { scoreboard: computeScoreboard(data, live ? 200 : 1000), variants: computeVariantStats(data, live ? 200 : 2000) };
}

export interface RunDetailView {
  title: Line[];
  panes: Pane[];
  proposalId: string | null;
}

export const RUN_DETAIL_PANES = ['Scoreboard', 'Variants', 'Chart'] as const;

export function chartPoints(stats: RunDetailStats): ChartPoint[] {
  const models = stats.scoreboard.filter((c) => c.segment === 'all');
  return [
    ...models.map((m, i) => ({
      mark: String.fromCharCode(65 + (i % 26)),
      name: m.model,
      kind: 'model' as const,
      quality: m.quality.mean,
      costPer1k: m.costPer1k,
    })),
    ...stats.variants.map((v, i) => ({
      mark: String((i + 1) % 10),
      name: v.version !== null ? `${v.name} v${v.version}` : v.name,
      kind: 'variant' as const,
      quality: v.quality,
      costPer1k: v.costPer1k,
    })),
  ];
}

export function buildRunDetailView(data: RunDetailData, stats: RunDetailStats, width: number, height: number): RunDetailView {
  const r = data.run;
  const proposal =
    data.proposals.find((p) => p.status === 'pending') ?? data.proposals.find((p) => p.status === 'approved') ?? data.proposals[0];
  const title: Line[] = [
    [
      span(`run ${sanitizeInline(r.runId)}`, 'heading'),
      span(
        `  ${sanitizeInline(r.policyName)}  ${progressText(r)}  ${fmtDate(r.createdAt)}  ${sanitizeInline(r.sourceKind)} ${sanitizeInline(r.sourceName)}`,
      ),
    ],
    [
      span(`${data.cases.length} cases  coverage ${fmtPct(r.coverage)}  cost ${fmtUsd(r.costUsd)}`, 'dim'),
      proposal
        ? span(`  ⏎ proposal ${sanitizeInline(proposal.id)}: ${proposal.status}`, proposal.status === 'pending' ? 'warn' : 'dim')
        : span(''),
    ],
  ];
  if (r.error) title.push([span(`error: ${sanitizeInline(r.error)}`, 'bad')]);
  for (const n of r.notes) title.push([span(`note: ${sanitizeInline(n)}`, 'dim')]);
  const chartHeight = Math.max(6, Math.min(16, height - 14));
  return {
    title,
    panes: [
      { title: 'Scoreboard', lines: scoreboardLines(stats.scoreboard, data.segmentBy, width) },
      { title: 'Variants', lines: variantLines(stats.variants, width) },
      { title: 'Chart', lines: scatterChart(chartPoints(stats), width, chartHeight) },
    ],
    proposalId: proposal && proposal.status !== 'no_change' ? proposal.id : null,
  };
}
