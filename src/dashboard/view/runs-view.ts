import { sanitizeInline } from '../../domain/sanitize.js';
import type { RunRow, RunsData } from '../data/dashboard-data.js';
import { fmtDate, fmtPct, fmtUsd } from './format.js';
import { span, type Line } from './styled-line.js';
import { layoutTable, type Cell } from './table-layout.js';

export interface RunsView {
  header: Line;
  rule: Line;
  rows: Line[];
  runIds: string[];
  /** The proposal `a` / `r` / `p` act on from this row, if any. */
  proposalIds: Array<string | null>;
  empty: boolean;
}

const isLive = (status: string) => status === 'running' || status === 'queued';

/** `running 45%` with a small bar, so progress reads without colour. */
export function progressText(r: RunRow): string {
  if (!isLive(r.status)) return r.status;
  if (r.pairs <= 0) return r.status;
  const share = Math.min(1, r.outcomesDone / r.pairs);
  const filled = Math.round(share * 4);
  return `${r.status} ${'█'.repeat(filled)}${'░'.repeat(4 - filled)} ${Math.floor(share * 100)}%`;
}

function proposalCell(r: RunRow): Cell {
  const p = r.proposal;
  if (!p) return span('—', 'dim');
  if (p.status === 'pending') return span('● waiting', 'warn');
  if (p.status === 'no_change') return span('no change', 'dim');
  return span(p.status, p.status === 'rejected' ? 'dim' : 'good');
}

export function buildRunsView(data: RunsData, width: number): RunsView {
  // The run id is in the detail screen's title; at 80 columns it would squeeze the policy name.
  const withId = width >= 100;
  const rows: Cell[][] = data.runs.map((r) => [
    fmtDate(r.createdAt),
    sanitizeInline(r.policyName),
    r.failedSteps?.length
      ? span(`${r.status} ✗${r.failedSteps.join('+')}`, 'bad')
      : span(progressText(r), r.status === 'failed' ? 'bad' : isLive(r.status) ? 'accent' : undefined),
    fmtPct(r.coverage),
    fmtUsd(r.costUsd),
    proposalCell(r),
    ...(withId ? [sanitizeInline(r.runId)] : []),
  ]);
  const t = layoutTable(
    [
      { header: 'date (UTC)', min: 16 },
      { header: 'policy', min: 8, middle: true },
      { header: 'status', min: 17 },
      { header: 'coverage', align: 'right', min: 8 },
      { header: 'cost', align: 'right', min: 7 },
      { header: 'proposal', min: 9 },
      ...(withId ? [{ header: 'run', min: 8 }] : []),
    ],
    rows,
    width - 2,
  );
  return {
    header: t.header,
    rule: t.rule,
    rows: t.rows,
    runIds: data.runs.map((r) => r.runId),
    proposalIds: data.runs.map((r) => (r.proposal && r.proposal.status !== 'no_change' ? r.proposal.id : null)),
    empty: data.runs.length === 0,
  };
}
