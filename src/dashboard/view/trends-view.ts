import { sanitizeInline } from '../../domain/sanitize.js';
import { sparkline } from '../../report/sparkline.js';
import type { ChangedCase } from '../../stats/compare-runs.js';
import type { TrendsData } from '../data/load-trends.js';
import { fitLine, line, span, truncate, type Line } from './styled-line.js';

/** What Enter on a row opens: the two runs to compare, and the model to show. */
export interface TrendsDrill {
  runA: string;
  runB: string;
  model: string;
}

export interface TrendsView {
  title: Line[];
  /** Selectable rows: flagged regressions first, then one per model and metric. */
  rows: Line[];
  drills: Array<TrendsDrill | null>;
  empty: boolean;
}

const METRICS = [
  { key: 'quality', label: 'quality', fmt: (x: number) => x.toFixed(3) },
  { key: 'costPer1k', label: 'cost/1k', fmt: (x: number) => `$${x.toFixed(3)}` },
  { key: 'p95Ms', label: 'p95 ms', fmt: (x: number) => String(Math.round(x)) },
  { key: 'errorRate', label: 'errors', fmt: (x: number) => `${(x * 100).toFixed(1)}%` },
] as const;

const signed = (x: number, digits = 3) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;

/**
 * The trends screen: regressions of the newest run first (each one leads to the two runs and their
 * differing cases), then a sparkline per model and metric over the runs. Pure.
 */
export function buildTrendsView(data: TrendsData, width: number): TrendsView {
  const w = width - 2;
  const rows: Line[] = [];
  const drills: Array<TrendsDrill | null> = [];
  for (const f of data.flagged) {
    rows.push(
      fitLine(
        [
          span('▼ REGRESSION ', 'bad'),
          span(`${sanitizeInline(f.model)} · ${sanitizeInline(f.segment)} · ${f.metric} `),
          span(`${signed(f.diff)} (p ${f.p_holm < 0.001 ? '<0.001' : f.p_holm.toFixed(3)})`, 'bad'),
        ],
        w,
      ),
    );
    drills.push({ runA: f.previousRunId, runB: f.runId, model: f.model });
  }
  const spark = Math.max(8, Math.min(30, w - 44));
  for (const s of data.series) {
    const last = s.runIds.length - 1;
    const drill = last >= 1 ? { runA: s.runIds[last - 1] as string, runB: s.runIds[last] as string, model: s.name } : null;
    for (const m of METRICS) {
      const values = s[m.key];
      const flagged = data.flagged.some(
        (f) =>
          f.model === s.name &&
          f.metric === (m.key === 'quality' ? 'quality' : m.key === 'costPer1k' ? 'cost' : m.key === 'p95Ms' ? 'latency' : 'error_rate'),
      );
      rows.push(
        fitLine(
          [
            span(`${truncate(sanitizeInline(s.name), 22).padEnd(22)} ${m.label.padEnd(8)} `),
            span(sparkline(values, spark).padEnd(spark), flagged ? 'bad' : 'accent'),
            span(` ${values.length ? m.fmt(values[values.length - 1] as number) : '–'}`),
            ...(flagged ? [span(' ▼', 'bad')] : []),
          ],
          w,
        ),
      );
      drills.push(drill);
    }
  }
  const runs = new Set(data.series.flatMap((s) => s.runIds)).size;
  const title: Line[] = [
    line(
      data.flagged.length
        ? `${data.flagged.length} regression(s) in the newest run · ${runs} run(s)`
        : `no regression flagged in the newest run · ${runs} run(s)`,
      data.flagged.length ? 'bad' : 'good',
    ),
    line('enter: the two runs and their differing cases · esc: back · q: quit', 'dim'),
  ];
  return { title, rows, drills, empty: rows.length === 0 };
}

/** The drill-down: which runs, then each differing case with both answers. Pure. */
export function buildTrendsDiffView(drill: TrendsDrill, changed: readonly ChangedCase[], width: number): Line[] {
  const w = width - 2;
  const out: Line[] = [
    line(truncate(`${sanitizeInline(drill.model)}: ${drill.runA} → ${drill.runB}`, w), 'heading'),
    line(changed.length ? `${changed.length} case(s) differ, most changed first` : 'no case differs between these runs', 'dim'),
  ];
  for (const c of changed) {
    out.push(
      fitLine(
        [
          span(`${sanitizeInline(c.case_id)} `),
          span(`${c.a_score.toFixed(2)} → ${c.b_score.toFixed(2)}`, c.change < 0 ? 'bad' : c.change > 0 ? 'good' : undefined),
        ],
        w,
      ),
    );
    out.push(line(truncate(`  A: ${c.a_output === null ? '(no answer)' : sanitizeInline(c.a_output)}`, w), 'dim'));
    out.push(line(truncate(`  B: ${c.b_output === null ? '(no answer)' : sanitizeInline(c.b_output)}`, w)));
  }
  return out;
}
