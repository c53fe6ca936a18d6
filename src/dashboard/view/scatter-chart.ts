import { sanitizeInline } from '../../domain/sanitize.js';
import { fmtNum, fmtUsd } from './format.js';
import { padStart, span, type Line } from './styled-line.js';

export interface ChartPoint {
  /** One character drawn in the plot: A, B, … for models, 1, 2, … for variants. */
  mark: string;
  name: string;
  kind: 'model' | 'variant';
  quality: number;
  costPer1k: number;
}

/**
 * Indices of the quality/cost frontier: points no other point beats on both axes (cheaper or equal
 * and at least as good, one strictly). Ties on both keep the first.
 */
export function frontierIndices(points: ChartPoint[]): Set<number> {
  const order = points
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => Number.isFinite(p.quality) && Number.isFinite(p.costPer1k))
    .sort((a, b) => a.p.costPer1k - b.p.costPer1k || b.p.quality - a.p.quality);
  const out = new Set<number>();
  let best = -Infinity;
  for (const { p, i } of order) {
    if (p.quality > best) {
      out.add(i);
      best = p.quality;
    }
  }
  return out;
}

/**
 * A quality (up) vs cost per 1k requests (right) scatter plot in text. Points are their marks; the
 * frontier is joined by `·` and its points are listed with `◆` in the legend, so it reads without
 * colour. The cost axis turns logarithmic when costs span more than 20×.
 */
export function scatterChart(points: ChartPoint[], width: number, height: number): Line[] {
  const usable = points.filter((p) => Number.isFinite(p.quality) && Number.isFinite(p.costPer1k));
  if (usable.length === 0) return [[span('nothing to plot yet', 'dim')]];
  const front = frontierIndices(points);
  const costs = usable.map((p) => p.costPer1k);
  const quals = usable.map((p) => p.quality);
  const positive = costs.every((c) => c > 0);
  const log = positive && Math.max(...costs) / Math.min(...costs) > 20;
  const xv = (c: number) => (log ? Math.log10(c) : c);
  let [x0, x1] = [Math.min(...costs.map(xv)), Math.max(...costs.map(xv))];
  let [y0, y1] = [Math.min(...quals), Math.max(...quals)];
  if (x1 - x0 < 1e-12) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 0.05, y1 + 0.05];
  const labelW = 6;
  const W = Math.max(10, width - labelW - 2);
  const H = Math.max(4, height);
  const grid: string[][] = Array.from({ length: H }, () => Array.from({ length: W }, () => ' '));
  const col = (c: number) => Math.round(((xv(c) - x0) / (x1 - x0)) * (W - 1));
  const row = (q: number) => H - 1 - Math.round(((q - y0) / (y1 - y0)) * (H - 1));
  // Frontier path first, so points draw over it.
  const fp = [...front].map((i) => points[i] as ChartPoint).sort((a, b) => a.costPer1k - b.costPer1k);
  for (let k = 1; k < fp.length; k++) {
    const a = fp[k - 1] as ChartPoint;
    const b = fp[k] as ChartPoint;
    const [ca, ra, cb, rb] = [col(a.costPer1k), row(a.quality), col(b.costPer1k), row(b.quality)];
    const steps = Math.max(Math.abs(cb - ca), Math.abs(rb - ra));
    for (let s = 1; s < steps; s++) {
      const c = Math.round(ca + ((cb - ca) * s) / steps);
      const r = Math.round(ra + ((rb - ra) * s) / steps);
      const cellRow = grid[r];
      if (cellRow) cellRow[c] = '·';
    }
  }
  for (const p of usable) {
    const r = grid[row(p.quality)] as string[];
    let c = col(p.costPer1k);
    // Two points in one cell: shift right (or left at the edge) to keep both visible.
    const taken = (i: number) => /[A-Z0-9]/.test(r[i] as string);
    while (c < W - 1 && taken(c)) c++;
    while (c > 0 && taken(c)) c--;
    r[c] = p.mark;
  }
  const lines: Line[] = grid.map((cells, i) => {
    const q = y1 - ((y1 - y0) * i) / (H - 1);
    const label = i === 0 || i === H - 1 || i === Math.floor((H - 1) / 2) ? fmtNum(q, 2) : '';
    return [span(`${padStart(label, labelW)} │`, 'dim'), span(cells.join('').trimEnd())];
  });
  const lo = fmtUsd(log ? 10 ** x0 : x0);
  const hi = fmtUsd(log ? 10 ** x1 : x1);
  lines.push([span(`${' '.repeat(labelW)} └${'─'.repeat(W)}`, 'dim')]);
  const axis = `cost per 1k requests${log ? ' (log)' : ''} →`;
  const mid = Math.max(1, W - lo.length - hi.length - axis.length);
  lines.push([
    span(`${' '.repeat(labelW + 2)}${lo}${' '.repeat(Math.floor(mid / 2))}${axis}${' '.repeat(Math.ceil(mid / 2))}${hi}`, 'dim'),
  ]);
  lines.push([span('quality ↑   ◆ on the frontier (joined by ·)', 'dim')]);
  points.forEach((p, i) => {
    const onFront = front.has(i);
    lines.push([
      span(`${onFront ? '◆' : ' '} ${p.mark} `, onFront ? 'accent' : undefined),
      span(`${p.kind === 'model' ? 'model  ' : 'variant'} ${sanitizeInline(p.name)}`),
      span(`  q ${fmtNum(p.quality)}  ${fmtUsd(p.costPer1k)}/1k`, 'dim'),
    ]);
  });
  return lines;
}
