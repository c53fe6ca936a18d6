import { md, shorten, xml } from './escape.js';

/** The regression figures the section shows (a subset of stats' RegressionTest). */
export interface RegressionLine {
  model: string;
  segment: string;
  metric: string;
  baseline: number;
  current: number;
  diff: number;
  ci: [number, number];
  p_holm: number;
}

/** One point of a model's quality over runs, oldest first. */
export interface TrendLinePoint {
  run_id: string;
  name: string;
  quality: number;
}

const fmt = (metric: string, x: number) =>
  metric === 'cost' ? `$${(x * 1000).toFixed(3)}/1k` : metric === 'latency' ? `${Math.round(x)} ms` : x.toFixed(3);
const signed = (metric: string, x: number) => `${x >= 0 ? '+' : '−'}${fmt(metric, Math.abs(x))}`;

/**
 * The section a nightly report opens with: the flagged regressions (or that there were none, and
 * against which runs), then a trend chart of each model's quality over the recent runs.
 */
export function regressionSection(input: {
  flagged: readonly RegressionLine[];
  baselineRuns: readonly string[];
  tested: number;
  trendFile: string | null;
}): string[] {
  const L: string[] = ['## Regressions', ''];
  if (input.baselineRuns.length === 0) L.push('No earlier run of this policy on this source: nothing to compare with yet.', '');
  else if (input.flagged.length === 0)
    L.push(
      `None: ${input.tested} checks against the previous ${input.baselineRuns.length} run(s) (Holm-corrected, 5% family-wise), none worse by more than the minimum effect.`,
      '',
    );
  else {
    L.push(
      `**${input.flagged.length} regression(s)** against the previous ${input.baselineRuns.length} run(s) (${input.baselineRuns.map(md).join(', ')}); Holm across ${input.tested} checks.`,
      '',
    );
    L.push(
      '| model | segment | metric | baseline | tonight | change (95% CI) | p (Holm) |',
      '| --- | --- | --- | ---: | ---: | ---: | ---: |',
    );
    for (const f of input.flagged) {
      L.push(
        `| ${md(f.model)} | ${md(f.segment)} | ${f.metric} | ${fmt(f.metric, f.baseline)} | ${fmt(f.metric, f.current)} | ${signed(f.metric, f.diff)} (${signed(f.metric, f.ci[0])} to ${signed(f.metric, f.ci[1])}) | ${f.p_holm < 0.001 ? '<0.001' : f.p_holm.toPrecision(2)} |`,
      );
    }
    L.push('');
  }
  if (input.trendFile) L.push(`![Quality per model over the recent runs](${input.trendFile})`, '');
  return L;
}

const W = 820;
const H = 320;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

/** Quality per model (one line each) over the runs, oldest left. Plain SVG, no script. */
export function trendSvg(title: string, points: readonly TrendLinePoint[]): string {
  const runs = [...new Set(points.map((p) => p.run_id))];
  const names = [...new Set(points.map((p) => p.name))].sort();
  const left = 60;
  const right = W - 200;
  const top = 50;
  const bottom = H - 40;
  const fx = (i: number) => (runs.length <= 1 ? (left + right) / 2 : left + (i / (runs.length - 1)) * (right - left));
  const fy = (q: number) => bottom - Math.max(0, Math.min(1, q)) * (bottom - top);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" role="img" aria-label="${xml(title)}">`,
  );
  out.push(`<title>${xml(title)}</title>`, `<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="20" y="28" font-size="16" font-weight="600" fill="#222">${xml(title)}</text>`);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${left}" x2="${right}" y1="${fy(t)}" y2="${fy(t)}" stroke="#eee"/>`);
    out.push(`<text x="${left - 8}" y="${fy(t) + 4}" font-size="11" text-anchor="end" fill="#555">${t.toFixed(2)}</text>`);
  }
  const runIdx = new Map(runs.map((r, i) => [r, i]));
  names.forEach((name, k) => {
    const color = COLORS[k % COLORS.length] as string;
    const pts = points.filter((p) => p.name === name).map((p) => `${fx(runIdx.get(p.run_id) ?? 0).toFixed(1)},${fy(p.quality).toFixed(1)}`);
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>`);
    for (const pt of pts) out.push(`<circle cx="${pt.split(',')[0]}" cy="${pt.split(',')[1]}" r="2.5" fill="${color}"/>`);
    out.push(
      `<rect x="${right + 20}" y="${top + k * 20}" width="12" height="10" fill="${color}"/><text x="${right + 38}" y="${top + k * 20 + 9}" font-size="11" fill="#333">${xml(shorten(name, 24))}</text>`,
    );
  });
  out.push(`<text x="${left}" y="${H - 14}" font-size="11" fill="#555">${xml(shorten(runs[0] ?? '', 30))}</text>`);
  if (runs.length > 1)
    out.push(
      `<text x="${right}" y="${H - 14}" font-size="11" text-anchor="end" fill="#555">${xml(shorten(runs[runs.length - 1] ?? '', 30))}</text>`,
    );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
