import { createRng } from '../../domain/rng.js';
import { sanitizeInline } from '../../domain/sanitize.js';
import { holmAdjust } from '../../stats/holm.js';
import { pairedBootstrap } from '../../stats/paired.js';
import { quantile } from '../../stats/quantile.js';
import type { RunDetailData } from '../data/dashboard-data.js';
import { fmtMs, fmtNum, fmtPct, fmtSigned, fmtUsd } from './format.js';
import { span, type Line, type Span } from './styled-line.js';
import { layoutTable } from './table-layout.js';

export interface VariantStat {
  idx: number;
  name: string;
  version: number | null;
  isBaseline: boolean;
  cases: number;
  failures: number;
  quality: number;
  costPer1k: number;
  p95Ms: number;
  errorRate: number;
  /** Paired against the baseline over cases both evaluated; p adjusted (Holm) across variants. */
  vsBaseline: { mean: number; ci: [number, number]; p: number; n: number } | null;
}

export type Verdict = 'better' | 'worse' | 'no difference' | 'baseline';

export function verdictOf(v: VariantStat, alpha = 0.05): Verdict {
  if (v.isBaseline || !v.vsBaseline) return 'baseline';
  if (v.vsBaseline.p < alpha && v.vsBaseline.ci[0] > 0) return 'better';
  if (v.vsBaseline.p < alpha && v.vsBaseline.ci[1] < 0) return 'worse';
  return 'no difference';
}

/** The mark carries the verdict in text (arrow + star), colour only repeats it. */
export function verdictMark(verdict: Verdict): Span {
  switch (verdict) {
    case 'better':
      return span('▲ better *', 'good');
    case 'worse':
      return span('▼ worse *', 'bad');
    case 'no difference':
      return span('= n.s.', 'dim');
    case 'baseline':
      return span('(baseline)', 'dim');
  }
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

export function computeVariantStats(data: RunDetailData, resamples = 2000): VariantStat[] {
  const baseline = data.variants.find((v) => v.isBaseline) ?? data.variants[0];
  const byVariant = new Map<number, Map<string, RunDetailData['results'][number]>>();
  for (const r of data.results) {
    let m = byVariant.get(r.variantIdx);
    if (!m) byVariant.set(r.variantIdx, (m = new Map()));
    m.set(r.caseId, r);
  }
  const base = baseline ? byVariant.get(baseline.idx) : undefined;
  const stats: VariantStat[] = data.variants.map((v) => {
    const rows = [...(byVariant.get(v.idx)?.values() ?? [])];
    const ok = rows.filter((r) => !r.failure && r.quality !== null);
    let vsBaseline: VariantStat['vsBaseline'] = null;
    if (base && baseline && v.idx !== baseline.idx) {
      const a: number[] = [];
      const b: number[] = [];
      for (const r of ok) {
        const other = base.get(r.caseId);
        if (other && !other.failure && other.quality !== null) {
          a.push(r.quality as number);
          b.push(other.quality);
        }
      }
      if (a.length) {
        const d = pairedBootstrap(a, b, { rng: createRng(`${data.run.seed}:variant:${v.idx}`), resamples });
        vsBaseline = { mean: d.mean, ci: d.ci, p: d.p_value, n: d.n };
      }
    }
    const lat = ok.map((r) => r.latencyMs).filter((x): x is number => x !== null);
    return {
      idx: v.idx,
      name: v.name,
      version: v.version,
      isBaseline: baseline ? v.idx === baseline.idx : false,
      cases: rows.length,
      failures: rows.length - ok.length,
      quality: mean(ok.map((r) => r.quality as number)),
      costPer1k: mean(ok.map((r) => r.costUsd ?? 0)) * 1000,
      p95Ms: lat.length ? quantile(lat, 0.95) : Number.NaN,
      errorRate: mean(ok.map((r) => r.pError ?? 0)),
      vsBaseline,
    };
  });
  // Holm across this run's comparisons: several variants tested at once inflate false "better"s.
  const compared = stats.filter((s) => s.vsBaseline);
  const adjusted = holmAdjust(compared.map((s) => (s.vsBaseline as { p: number }).p));
  compared.forEach((s, i) => {
    (s.vsBaseline as { p: number }).p = adjusted[i] ?? 1;
  });
  return stats;
}

/**
 * Variants are usually named after the baseline (`support-assistant-cheap`): show what differs, so
 * an 80-column table can still tell them apart.
 */
export function variantLabel(v: VariantStat, baselineName: string | undefined): string {
  const name = sanitizeInline(v.name);
  const short =
    !v.isBaseline && baselineName && name.length > baselineName.length + 1 && name.startsWith(baselineName)
      ? `…${name.slice(baselineName.length)}`
      : name;
  return v.version !== null ? `${short} v${v.version}` : short;
}

export function variantLines(stats: VariantStat[], width: number): Line[] {
  if (stats.length === 0) return [[span('no variants', 'dim')]];
  const baselineName = stats.find((s) => s.isBaseline)?.name;
  const t = layoutTable(
    [
      { header: 'variant', min: 10, middle: true },
      { header: 'quality', align: 'right', min: 7 },
      { header: 'Δ vs base [95% CI]', min: 20 },
      { header: 'mark', min: 10 },
      { header: '$/1k', align: 'right', min: 6 },
      { header: 'p95', align: 'right', min: 6 },
      { header: 'err', align: 'right', min: 4 },
    ],
    stats.map((s) => {
      const d = s.vsBaseline;
      return [
        variantLabel(s, baselineName ? sanitizeInline(baselineName) : undefined),
        fmtNum(s.quality),
        d ? `${fmtSigned(d.mean)} [${fmtSigned(d.ci[0], 2)},${fmtSigned(d.ci[1], 2)}]` : '—',
        verdictMark(verdictOf(s)),
        fmtUsd(s.costPer1k),
        fmtMs(s.p95Ms),
        fmtPct(s.errorRate, 1),
      ];
    }),
    width,
    // Seven columns and a name: at 80 columns one space between them leaves the name whole.
    width < 90 ? 1 : 2,
  );
  const notes: Line[] = [[span('* significant at 5% after Holm correction; = n.s. not significant', 'dim')]];
  const failed = stats.filter((s) => s.failures > 0);
  for (const s of failed) notes.push([span(`! ${sanitizeInline(s.name)}: ${s.failures} case(s) are recorded failures, excluded`, 'warn')]);
  return [t.header, t.rule, ...t.rows, ...notes];
}
