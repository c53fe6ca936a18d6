import { sanitizeInline } from '../../domain/sanitize.js';
import type { ProposalData } from '../data/dashboard-data.js';
import { fmtDate, fmtMeanCi, fmtMs, fmtNum, fmtSigned, fmtUsd } from './format.js';
import type { Pane } from './pane-layout.js';
import { effectiveMix, shares } from './effective-mix.js';
import { padEnd, padStart, span, textWidth, truncateMiddle, wrapText, type Line } from './styled-line.js';
import { layoutTable } from './table-layout.js';
import { verdictMark } from './variant-comparison.js';
import { policyDiff } from './yaml-diff.js';

export interface ProposalView {
  title: Line[];
  panes: Pane[];
  /** `a`/`r` allowed when pending, `p` when approved. */
  actionable: { decide: boolean; promote: boolean };
}

export const PROPOSAL_PANES = ['Weights', 'Rules', 'Impact', 'Rationale', 'Diff'] as const;

export { shares };

function bar(share: number, width: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, share)) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/**
 * Current vs proposed share of traffic per model, as bars with the change. For policies that route
 * by rules, the share is over the run's own traffic (its segment counts).
 */
export function weightLines(data: Pick<ProposalData, 'baseSpec' | 'spec' | 'segmentBy' | 'segmentCounts'>, width: number): Line[] {
  const a = effectiveMix(data.baseSpec, data.segmentBy, data.segmentCounts);
  const b = effectiveMix(data.spec, data.segmentBy, data.segmentCounts);
  if (!a && !b) return [[span('routing is by rules this view cannot total: see Rules', 'dim')]];
  const models = [...new Set([...(a?.keys() ?? []), ...(b?.keys() ?? [])])];
  if (models.length === 0) return [[span('no targets', 'dim')]];
  const longest = Math.max(5, ...models.map((m) => textWidth(sanitizeInline(m))));
  const nameW = Math.min(longest, Math.max(10, width - 24 - 20));
  const barW = Math.max(5, Math.min(20, Math.floor((width - 24 - nameW) / 2)));
  const byRules = !data.spec.policy.targets?.length || !data.baseSpec.policy.targets?.length;
  const lines: Line[] = [
    [span(`${padEnd('model', nameW)}  ${padEnd('current', barW + 5)}  ${padEnd('proposed', barW + 5)}  change`, 'heading')],
  ];
  for (const m of models) {
    const x = a?.get(m) ?? 0;
    const y = b?.get(m) ?? 0;
    const pp = (y - x) * 100;
    const change = Math.abs(pp) < 0.05 ? '  =' : `${pp > 0 ? '+' : ''}${pp.toFixed(1)}pp`;
    lines.push([
      span(`${padEnd(truncateMiddle(sanitizeInline(m), nameW), nameW)}  `),
      span(a ? bar(x, barW) : '?'.repeat(barW), 'dim'),
      span(` ${padStart(a ? `${Math.round(x * 100)}%` : '?', 4)}  `),
      span(b ? bar(y, barW) : '?'.repeat(barW), 'accent'),
      span(` ${padStart(b ? `${Math.round(y * 100)}%` : '?', 4)}  `),
      span(change, pp > 0.05 ? 'good' : pp < -0.05 ? 'bad' : 'dim'),
    ]);
  }
  if (byRules && data.segmentBy) {
    const n = Object.values(data.segmentCounts).reduce((s, c) => s + c, 0);
    lines.push([span(`share of this run's ${n} requests, routed by ${sanitizeInline(data.segmentBy)}`, 'dim')]);
  }
  return lines;
}

export function ruleLines(data: ProposalData): Line[] {
  const rules = data.spec.policy.rules ?? [];
  if (rules.length === 0) return [[span('no per-segment rules: one set of weights for all traffic', 'dim')]];
  const lines: Line[] = [];
  rules.forEach((r, i) => {
    lines.push([
      span(`${i + 1}. ${sanitizeInline(r.name ?? `rule ${i + 1}`)}`, 'heading'),
      span(`  when ${sanitizeInline(JSON.stringify(r.when))}`),
    ]);
    const s = shares(r.targets);
    const parts = [...s.entries()].map(([m, w]) => `${sanitizeInline(m)} ${Math.round(w * 100)}%`);
    lines.push([span(`   → ${parts.join(', ')}${r.strategy ? `  (${r.strategy.mode})` : ''}`)]);
  });
  return lines;
}

export function impactLines(data: ProposalData, width: number): Line[] {
  const t = layoutTable(
    [
      { header: '', min: 12 },
      { header: 'quality±CI', align: 'right', min: 11 },
      { header: '$/1k', align: 'right', min: 6 },
      { header: 'p95', align: 'right', min: 6 },
    ],
    [
      [
        `current v${data.baseVersion}`,
        fmtMeanCi(data.baseline.quality, data.baseline.quality_ci),
        fmtUsd(data.baseline.cost_per_1k),
        fmtMs(data.baseline.p95_ms),
      ],
      ['proposed', fmtMeanCi(data.holdout.quality, data.holdout.quality_ci), fmtUsd(data.holdout.cost_per_1k), fmtMs(data.holdout.p95_ms)],
      [
        span('  (train)', 'dim'),
        span(fmtMeanCi(data.train.quality, data.train.quality_ci), 'dim'),
        span(fmtUsd(data.train.cost_per_1k), 'dim'),
        span(fmtMs(data.train.p95_ms), 'dim'),
      ],
    ],
    width,
  );
  const d = data.holdoutDiff;
  const verdict = d.p_value < 0.05 && d.ci[0] > 0 ? 'better' : d.p_value < 0.05 && d.ci[1] < 0 ? 'worse' : 'no difference';
  const costRatio = data.baseline.cost_per_1k > 0 ? data.holdout.cost_per_1k / data.baseline.cost_per_1k : Number.NaN;
  return [
    [span('predicted on the held-out split', 'dim')],
    t.header,
    t.rule,
    ...t.rows,
    [],
    [
      span(`Δ quality ${fmtSigned(d.mean)} [${fmtSigned(d.ci[0])}, ${fmtSigned(d.ci[1])}] p=${fmtNum(d.p_value, 3)}  `),
      verdictMark(verdict),
    ],
    [span(`cost ${Number.isFinite(costRatio) ? `${(costRatio * 100).toFixed(0)}% of current` : '—'}`)],
  ];
}

export function buildProposalView(data: ProposalData, width: number): ProposalView {
  const stale = data.activeVersion !== null && data.activeVersion !== data.baseVersion && data.status !== 'promoted';
  const title: Line[] = [
    [
      span(`proposal ${sanitizeInline(data.id)}`, 'heading'),
      span(`  ${sanitizeInline(data.policyName)} v${data.baseVersion}  run ${sanitizeInline(data.runId)}`),
    ],
    [
      span(`status: ${data.status}`, data.status === 'pending' ? 'warn' : data.status === 'rejected' ? 'bad' : 'good'),
      span(
        data.decidedBy
          ? `  by ${sanitizeInline(data.decidedBy)} ${fmtDate(data.decidedAt)}${data.comment ? ` “${sanitizeInline(data.comment)}”` : ''}`
          : '',
      ),
      span(data.promotedVersion !== null ? `  → v${data.promotedVersion}` : ''),
    ],
  ];
  if (stale) title.push([span(`! stale: version ${data.activeVersion} is active now; promotion will be refused`, 'bad')]);
  const diff = policyDiff(data.baseSpec, data.spec);
  return {
    title,
    panes: [
      { title: 'Weights', lines: weightLines(data, width) },
      { title: 'Rules', lines: ruleLines(data) },
      { title: 'Impact', lines: impactLines(data, width) },
      {
        title: 'Rationale',
        lines: data.rationale.length
          ? data.rationale.flatMap((r) => wrapText(sanitizeInline(r), width, '• ', '  ').map((t) => [span(t)]))
          : [[span('no rationale recorded', 'dim')]],
      },
      {
        title: 'Diff',
        lines: diff.some((d) => d.op !== ' ')
          ? diff.map((d) => [span(`${d.op} ${d.text}`, d.op === '+' ? 'good' : d.op === '-' ? 'bad' : 'dim')])
          : [[span('no change to the policy', 'dim')]],
      },
    ],
    actionable: { decide: data.status === 'pending', promote: data.status === 'approved' && !stale },
  };
}
