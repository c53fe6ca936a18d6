import type { QcPoint } from '../stats/frontier.js';
import { shorten, xml } from './escape.js';
import { q3, usd } from './format.js';

export type MarkerKind = 'model' | 'variant' | 'baseline' | 'proposal';

export interface ChartPoint extends QcPoint {
  kind: MarkerKind;
}

export interface QualityCostChart {
  title: string;
  points: ChartPoint[];
  /** The non-decreasing convex hull, drawn as the frontier line. */
  frontier: QcPoint[];
}

const W = 860;
const H = 490;
const PLOT = { left: 70, top: 48, right: 520, bottom: 400 };
const COLORS: Record<MarkerKind, string> = { model: '#4c78a8', variant: '#f58518', baseline: '#7f7f7f', proposal: '#2ca02c' };

function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const step0 = span / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function marker(kind: MarkerKind, x: number, y: number, n: number): string {
  const fill = COLORS[kind];
  const shape =
    kind === 'model'
      ? `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="7" fill="${fill}"/>`
      : kind === 'variant'
        ? `<rect x="${(x - 7).toFixed(1)}" y="${(y - 7).toFixed(1)}" width="14" height="14" fill="${fill}"/>`
        : kind === 'proposal'
          ? `<polygon points="${x},${y - 9} ${x + 9},${y} ${x},${y + 9} ${x - 9},${y}" fill="${fill}"/>`
          : `<polygon points="${x},${y - 8} ${x + 8},${y + 6} ${x - 8},${y + 6}" fill="${fill}"/>`;
  return `${shape}<text x="${x.toFixed(1)}" y="${(y + 3.5).toFixed(1)}" font-size="9" text-anchor="middle" fill="#fff" font-weight="bold">${n}</text>`;
}

/**
 * Quality against cost per request, one numbered marker per model / variant / baseline with a
 * legend on the right (labels beside points collide as soon as models cluster). The cost axis is
 * logarithmic when prices spread over more than 20×, as model prices usually do.
 */
export function qualityCostSvg(chart: QualityCostChart): string {
  const pts = chart.points.filter((p) => Number.isFinite(p.cost) && Number.isFinite(p.quality));
  const costs = pts.map((p) => p.cost).concat(chart.frontier.map((p) => p.cost));
  const positive = costs.filter((c) => c > 0);
  const log = positive.length === costs.length && positive.length > 0 && Math.max(...positive) / Math.min(...positive) > 20;
  const cMin = costs.length ? Math.min(...costs) : 0;
  const cMax = costs.length ? Math.max(...costs) : 1;
  const qs = pts.map((p) => p.quality);
  const qLo = Math.max(0, Math.floor(((qs.length ? Math.min(...qs) : 0) - 0.05) * 10) / 10);
  const qHi = Math.min(1, Math.ceil(((qs.length ? Math.max(...qs) : 1) + 0.05) * 10) / 10);
  const fx = (c: number) => {
    const [a, b] = log ? [Math.log10(cMin) - 0.1, Math.log10(cMax) + 0.1] : [Math.min(0, cMin), cMax * 1.08 || 1];
    const v = log ? Math.log10(c) : c;
    return PLOT.left + ((v - a) / (b - a || 1)) * (PLOT.right - PLOT.left);
  };
  const fy = (q: number) => PLOT.bottom - ((q - qLo) / (qHi - qLo || 1)) * (PLOT.bottom - PLOT.top);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" role="img" aria-label="${xml(chart.title)}">`,
  );
  out.push(`<title>${xml(chart.title)}</title>`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${PLOT.left}" y="28" font-size="16" font-weight="600" fill="#222">${xml(chart.title)}</text>`);
  // Grid and axes.
  for (const t of niceTicks(qLo, qHi)) {
    const y = fy(t);
    out.push(`<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${PLOT.left - 8}" y="${(y + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#555">${t.toFixed(2)}</text>`);
  }
  const xTicks = log
    ? Array.from(
        { length: Math.floor(Math.log10(cMax)) - Math.ceil(Math.log10(cMin)) + 1 },
        (_, i) => 10 ** (Math.ceil(Math.log10(cMin)) + i),
      )
        .flatMap((d) => [d, 2 * d, 5 * d])
        .filter((t) => t >= cMin * 0.8 && t <= cMax * 1.25)
    : niceTicks(Math.min(0, cMin), cMax * 1.08);
  for (const t of xTicks) {
    const x = fx(t);
    if (x < PLOT.left - 1 || x > PLOT.right + 1) continue;
    out.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#f0f0f0"/>`);
    out.push(
      `<text x="${x.toFixed(1)}" y="${PLOT.bottom + 16}" font-size="11" text-anchor="middle" fill="#555">${xml(usd(t * 1000))}</text>`,
    );
  }
  out.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#999"/>`,
  );
  out.push(
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 36}" font-size="12" text-anchor="middle" fill="#333">cost per 1k requests (USD${log ? ', log scale' : ''})</text>`,
  );
  out.push(
    `<text x="18" y="${(PLOT.top + PLOT.bottom) / 2}" font-size="12" text-anchor="middle" fill="#333" transform="rotate(-90 18 ${(PLOT.top + PLOT.bottom) / 2})">mean quality</text>`,
  );
  // Frontier.
  if (chart.frontier.length > 1) {
    // A mix of two models is a straight line in linear cost, a curve on the log axis: sample it.
    const steps = log ? 24 : 1;
    const along: QcPoint[] = [chart.frontier[0] as QcPoint];
    for (let i = 1; i < chart.frontier.length; i++) {
      const a = chart.frontier[i - 1] as QcPoint;
      const b = chart.frontier[i] as QcPoint;
      for (let k = 1; k <= steps; k++)
        along.push({
          label: '',
          cost: a.cost + ((b.cost - a.cost) * k) / steps,
          quality: a.quality + ((b.quality - a.quality) * k) / steps,
        });
    }
    const path = along.map((p) => `${fx(p.cost).toFixed(1)},${fy(p.quality).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${path}" fill="none" stroke="#4c78a8" stroke-width="1.5" stroke-dasharray="5 4" opacity="0.8"/>`);
  }
  // Markers, numbered; legend on the right.
  pts.forEach((p, i) => out.push(marker(p.kind, fx(p.cost), fy(p.quality), i + 1)));
  const lx = PLOT.right + 24;
  out.push(`<text x="${lx}" y="${PLOT.top - 6}" font-size="12" font-weight="600" fill="#222">#  name — quality, cost/1k</text>`);
  pts.slice(0, 24).forEach((p, i) => {
    const y = PLOT.top + 14 + i * 15;
    // The number in its own column: a tspan's leading space collapses, running number and name together.
    out.push(`<text x="${lx + 14}" y="${y}" font-size="11" font-weight="bold" text-anchor="end" fill="${COLORS[p.kind]}">${i + 1}</text>`);
    out.push(
      `<text x="${lx + 20}" y="${y}" font-size="11" fill="#222">${xml(shorten(p.label, 30))} — ${q3(p.quality)}, ${xml(usd(p.cost * 1000))}</text>`,
    );
  });
  if (pts.length > 24)
    out.push(`<text x="${lx}" y="${PLOT.top + 14 + 24 * 15}" font-size="11" fill="#555">… ${pts.length - 24} more in report.md</text>`);
  const ky = H - 22;
  const key: Array<[MarkerKind | 'frontier', string]> = [
    ['model', 'single model'],
    ['variant', 'policy variant'],
    ['baseline', 'baseline (oracle, random)'],
    ['proposal', 'proposal'],
    ['frontier', 'frontier (model mixes)'],
  ];
  // Each entry as wide as its label (about 6.2 px a character at 11 px) so none runs into the next.
  let x = PLOT.left;
  key.forEach(([k, label]) => {
    if (k === 'frontier')
      out.push(
        `<line x1="${x - 6}" x2="${x + 8}" y1="${ky - 4}" y2="${ky - 4}" stroke="#4c78a8" stroke-dasharray="5 4" stroke-width="1.5"/>`,
      );
    else out.push(marker(k, x, ky - 4, 0).replace(/<text[^>]*>0<\/text>/, ''));
    out.push(`<text x="${x + 14}" y="${ky}" font-size="11" fill="#333">${xml(label)}</text>`);
    x += 14 + Math.ceil(label.length * 6.2) + 26;
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
