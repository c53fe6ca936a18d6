import type { FrontierCurve } from '../tuning/frontier-curve.js';
import { md, xml } from './escape.js';

const W = 720;
const H = 420;
const P = { left: 70, top: 40, right: 540, bottom: 360 };

/** The frontier of `propose --frontier`: one line per kind of policy, quality against cost per 1k. */
export function frontierSvg(curve: FrontierCurve): string {
  const lines: Array<{ name: string; color: string; pts: Array<[number, number]> }> = [
    { name: 'per-request rules', color: '#2ca02c', pts: curve.rows.map((r) => [r.per_request.cost_per_1k, r.per_request.quality]) },
    { name: 'segments only', color: '#f58518', pts: curve.rows.map((r) => [r.segments.cost_per_1k, r.segments.quality]) },
    {
      name: 'random model mixes',
      color: '#7f7f7f',
      pts: curve.rows.filter((r) => r.random_mix !== null).map((r) => [r.per_request.cost_per_1k, r.random_mix as number]),
    },
  ];
  const marks: Array<{ name: string; color: string; at: [number, number] }> = [
    { name: `best single (${curve.best_single.model})`, color: '#4c78a8', at: [curve.best_single.cost_per_1k, curve.best_single.quality] },
    { name: 'oracle (per case)', color: '#d62728', at: [curve.oracle.cost_per_1k, curve.oracle.quality] },
  ];
  const all = [...lines.flatMap((l) => l.pts), ...marks.map((m) => m.at)].filter(([c, q]) => Number.isFinite(c) && Number.isFinite(q));
  const cMax = Math.max(1e-12, ...all.map(([c]) => c)) * 1.05;
  const qLo = Math.max(0, Math.floor((Math.min(...all.map(([, q]) => q)) - 0.02) * 20) / 20);
  const qHi = Math.min(1, Math.ceil((Math.max(...all.map(([, q]) => q)) + 0.02) * 20) / 20);
  const x = (c: number) => P.left + (c / cMax) * (P.right - P.left);
  const y = (q: number) => P.bottom - ((q - qLo) / (qHi - qLo || 1)) * (P.bottom - P.top);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${P.left}" y="24" font-size="15">Quality against cost: proposals across ceilings (holdout)</text>`,
    `<line x1="${P.left}" y1="${P.bottom}" x2="${P.right}" y2="${P.bottom}" stroke="#000"/>`,
    `<line x1="${P.left}" y1="${P.top}" x2="${P.left}" y2="${P.bottom}" stroke="#000"/>`,
    `<text x="${(P.left + P.right) / 2}" y="${H - 20}" font-size="12" text-anchor="middle">cost, USD per 1k requests</text>`,
    `<text x="18" y="${(P.top + P.bottom) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 18 ${(P.top + P.bottom) / 2})">quality</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const c = (cMax * i) / 4;
    const q = qLo + ((qHi - qLo) * i) / 4;
    out.push(`<text x="${x(c).toFixed(1)}" y="${P.bottom + 16}" font-size="10" text-anchor="middle">${c.toPrecision(2)}</text>`);
    out.push(`<text x="${P.left - 6}" y="${(y(q) + 3).toFixed(1)}" font-size="10" text-anchor="end">${q.toFixed(2)}</text>`);
  }
  let legendY = P.top + 10;
  for (const l of lines) {
    const pts = l.pts.filter(([c, q]) => Number.isFinite(c) && Number.isFinite(q)).sort((a, b) => a[0] - b[0]);
    if (pts.length)
      out.push(
        `<polyline fill="none" stroke="${l.color}" stroke-width="2" points="${pts.map(([c, q]) => `${x(c).toFixed(1)},${y(q).toFixed(1)}`).join(' ')}"/>`,
      );
    for (const [c, q] of pts) out.push(`<circle cx="${x(c).toFixed(1)}" cy="${y(q).toFixed(1)}" r="3" fill="${l.color}"/>`);
    out.push(
      `<line x1="${P.right + 20}" y1="${legendY - 4}" x2="${P.right + 40}" y2="${legendY - 4}" stroke="${l.color}" stroke-width="2"/><text x="${P.right + 46}" y="${legendY}" font-size="11">${xml(l.name)}</text>`,
    );
    legendY += 20;
  }
  for (const m of marks) {
    out.push(`<circle cx="${x(m.at[0]).toFixed(1)}" cy="${y(m.at[1]).toFixed(1)}" r="6" fill="${m.color}"/>`);
    out.push(
      `<circle cx="${P.right + 30}" cy="${legendY - 4}" r="5" fill="${m.color}"/><text x="${P.right + 46}" y="${legendY}" font-size="11">${xml(m.name)}</text>`,
    );
    legendY += 20;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** The report section: the chart and its table. */
export function frontierSection(curve: FrontierCurve, svgFile: string): string {
  const f = (x: number) => x.toFixed(3);
  const L = [
    '## Quality/cost frontier of proposals',
    '',
    `Each ceiling is a share of the best single model's cost (${md(curve.best_single.model)}); every proposal is fitted on train and scored on the holdout. Oracle (best model per case): quality ${f(curve.oracle.quality)} at $${curve.oracle.cost_per_1k.toPrecision(3)} per 1k.`,
    '',
    `![frontier](${svgFile})`,
    '',
    '| ceiling | $/1k | per-request q | $/1k | segments q | $/1k | random mix q |',
    '|---|---|---|---|---|---|---|',
    ...curve.rows.map(
      (r) =>
        `| ${(r.share * 100).toFixed(0)}% | ${r.ceiling_per_1k.toPrecision(3)} | ${f(r.per_request.quality)} | ${r.per_request.cost_per_1k.toPrecision(3)} | ${f(r.segments.quality)} | ${r.segments.cost_per_1k.toPrecision(3)} | ${r.random_mix === null ? '-' : f(r.random_mix)} |`,
    ),
    `| best single | ${curve.best_single.cost_per_1k.toPrecision(3)} | ${f(curve.best_single.quality)} | | | | |`,
    '',
  ];
  return L.join('\n');
}
