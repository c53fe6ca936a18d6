import { createRng } from '../../domain/rng.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { bootstrapMeanCi } from '../../stats/bootstrap.js';
import { outcomeMeasure } from '../../stats/outcome-table.js';
import { quantile } from '../../stats/quantile.js';
import { wilsonInterval } from '../../stats/wilson.js';
import type { RunDetailData } from '../data/dashboard-data.js';
import { fmtMeanCi, fmtMs, fmtPct, fmtUsd } from './format.js';
import { span, type Line } from './styled-line.js';
import { layoutTable } from './table-layout.js';

export interface ScoreCell {
  model: string;
  /** `all`, or a value of the segment field. */
  segment: string;
  n: number;
  quality: { mean: number; ci: [number, number] };
  pass: { rate: number; ci: [number, number] } | null;
  costPer1k: number;
  p95Ms: number;
  errorRate: number;
}

/** Segments with fewer cases than this get no row of their own: the CI would say nothing. */
export const MIN_SEGMENT_CASES = 5;

/** Per model × segment statistics over the run's (case, model) outcomes. Seeded: same run, same CIs. */
export function computeScoreboard(data: RunDetailData, resamples = 1000): ScoreCell[] {
  const segmentOf = new Map(data.cases.map((c) => [c.caseId, c.segment]));
  const groups = new Map<string, RunDetailData['outcomes']>();
  const add = (key: string, o: RunDetailData['outcomes'][number]) => {
    const g = groups.get(key);
    if (g) g.push(o);
    else groups.set(key, [o]);
  };
  for (const o of data.outcomes) {
    add(`${o.model}\u0000all`, o);
    const seg = segmentOf.get(o.caseId);
    if (data.segmentBy && seg !== null && seg !== undefined) add(`${o.model}\u0000${seg}`, o);
  }
  const cells: ScoreCell[] = [];
  for (const [key, rows] of groups) {
    const [model, segment] = key.split('\u0000') as [string, string];
    if (segment !== 'all' && rows.length < MIN_SEGMENT_CASES) continue;
    // The same measure as the report: a failed call scores 0 and does not pass.
    const measured = rows.map((r) => outcomeMeasure(r));
    const rng = createRng(`${data.run.seed}:scoreboard:${key}`);
    const quality = bootstrapMeanCi(
      measured.map((m) => m.quality),
      { rng, resamples },
    );
    const passes = measured.filter((m) => m.pass).length;
    const costs = rows.map((r) => r.costUsd ?? 0);
    const lat = rows.map((r) => r.latencyMs).filter((x): x is number => x !== null);
    cells.push({
      model,
      segment,
      n: rows.length,
      quality: { mean: quality.mean, ci: quality.ci },
      pass: { rate: passes / rows.length, ci: wilsonInterval(passes, rows.length) },
      costPer1k: (costs.reduce((a, b) => a + b, 0) / Math.max(1, rows.length)) * 1000,
      p95Ms: lat.length ? quantile(lat, 0.95) : Number.NaN,
      errorRate: rows.filter((r) => r.status >= 400 || r.status === 0).length / rows.length,
    });
  }
  // Models by overall quality, best first; within a model `all` first, then segments by name.
  const overall = new Map(cells.filter((c) => c.segment === 'all').map((c) => [c.model, c.quality.mean]));
  return cells.sort(
    (a, b) =>
      (overall.get(b.model) ?? 0) - (overall.get(a.model) ?? 0) ||
      a.model.localeCompare(b.model) ||
      (a.segment === 'all' ? -1 : b.segment === 'all' ? 1 : a.segment.localeCompare(b.segment)),
  );
}

export function scoreboardLines(cells: ScoreCell[], segmentBy: string | null, width: number): Line[] {
  if (cells.length === 0) return [[span('no outcomes stored yet', 'dim')]];
  const t = layoutTable(
    [
      { header: 'model', min: 10, middle: true },
      { header: segmentBy ? sanitizeInline(segmentBy) : 'segment', min: 6 },
      { header: 'n', align: 'right', min: 3 },
      { header: 'quality±CI', align: 'right', min: 11 },
      { header: 'pass', align: 'right', min: 4 },
      { header: '$/1k', align: 'right', min: 6 },
      { header: 'p95', align: 'right', min: 6 },
      { header: 'err', align: 'right', min: 4 },
    ],
    cells.map((c, i) => {
      const first = i === 0 || cells[i - 1]?.model !== c.model;
      return [
        first ? sanitizeInline(c.model) : '',
        c.segment === 'all' ? span('all', 'dim') : sanitizeInline(c.segment),
        String(c.n),
        fmtMeanCi(c.quality.mean, c.quality.ci),
        c.pass ? fmtPct(c.pass.rate, 0) : '—',
        fmtUsd(c.costPer1k),
        fmtMs(c.p95Ms),
        span(fmtPct(c.errorRate, 1), c.errorRate > 0.05 ? 'bad' : undefined),
      ];
    }),
    width,
  );
  return [t.header, t.rule, ...t.rows];
}
