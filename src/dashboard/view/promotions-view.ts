import { sanitizeInline } from '../../domain/sanitize.js';
import type { PromotionsData } from '../data/dashboard-data.js';
import { fmtDate } from './format.js';
import { span, type Line } from './styled-line.js';
import { layoutTable } from './table-layout.js';

export interface PromotionsView {
  policyHeader: Line;
  policyRows: Line[];
  policyNames: string[];
  /** History of the selected policy, newest first. */
  history: Line[];
}

export function buildPromotionsView(data: PromotionsData, selected: number, width: number): PromotionsView {
  const pt = layoutTable(
    [
      { header: 'policy', min: 10 },
      { header: 'active', align: 'right', min: 6 },
      { header: 'versions', align: 'right', min: 8 },
    ],
    data.policies.map((p) => [sanitizeInline(p.name), p.activeVersion === null ? '—' : `v${p.activeVersion}`, String(p.versions)]),
    width - 2,
  );
  const name = data.policies[selected]?.name;
  const rows = data.history.filter((h) => h.policyName === name);
  const ht = layoutTable(
    [
      { header: 'when (UTC)', min: 16 },
      { header: 'what', min: 8 },
      { header: 'from → to', min: 9 },
      { header: 'who', min: 6 },
      { header: 'comment', min: 8 },
    ],
    rows.map((h) => [
      fmtDate(h.createdAt),
      span(h.kind, h.state === 'failed' || h.kind === 'revert' ? 'bad' : h.kind === 'promote' ? 'good' : 'warn'),
      `${h.fromVersion === null ? '—' : `v${h.fromVersion}`} → v${h.toVersion}`,
      sanitizeInline(h.actor),
      sanitizeInline(h.comment ?? ''),
    ]),
    width,
  );
  return {
    policyHeader: pt.header,
    policyRows: pt.rows,
    policyNames: data.policies.map((p) => p.name),
    history: name
      ? rows.length
        ? [[span(`history of ${sanitizeInline(name)}`, 'heading')], ht.header, ht.rule, ...ht.rows]
        : [[span(`no promotions of ${sanitizeInline(name)} yet`, 'dim')]]
      : [],
  };
}
