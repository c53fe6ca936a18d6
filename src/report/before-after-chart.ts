import { shorten, xml } from './escape.js';
import { q3 } from './format.js';

export interface BeforeAfterRow {
  label: string;
  before: number;
  after: number;
}

const W = 820;
const ROW = 34;

/** Grouped horizontal bars: the current version's holdout quality against the proposal's, per group. */
export function beforeAfterSvg(title: string, rows: readonly BeforeAfterRow[], beforeLabel: string, afterLabel: string): string {
  const top = 60;
  const left = 210;
  const right = W - 90;
  const H = top + Math.max(1, rows.length) * ROW + 40;
  const fx = (v: number) => left + Math.max(0, Math.min(1, v)) * (right - left);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" role="img" aria-label="${xml(title)}">`,
  );
  out.push(`<title>${xml(title)}</title>`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="20" y="28" font-size="16" font-weight="600" fill="#222">${xml(title)}</text>`);
  out.push(
    `<rect x="${left}" y="38" width="12" height="10" fill="#9e9e9e"/><text x="${left + 18}" y="47" font-size="11" fill="#333">${xml(beforeLabel)}</text>`,
  );
  out.push(
    `<rect x="${left + 200}" y="38" width="12" height="10" fill="#2ca02c"/><text x="${left + 218}" y="47" font-size="11" fill="#333">${xml(afterLabel)}</text>`,
  );
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const x = fx(t);
    out.push(`<line x1="${x}" x2="${x}" y1="${top - 4}" y2="${H - 30}" stroke="#eee"/>`);
    out.push(`<text x="${x}" y="${H - 14}" font-size="11" text-anchor="middle" fill="#555">${t.toFixed(2)}</text>`);
  }
  rows.forEach((r, i) => {
    const y = top + i * ROW;
    out.push(`<text x="${left - 8}" y="${y + 17}" font-size="12" text-anchor="end" fill="#222">${xml(shorten(r.label, 30))}</text>`);
    out.push(`<rect x="${left}" y="${y + 3}" width="${(fx(r.before) - left).toFixed(1)}" height="12" fill="#9e9e9e"/>`);
    out.push(`<text x="${(fx(r.before) + 4).toFixed(1)}" y="${y + 13}" font-size="10" fill="#555">${q3(r.before)}</text>`);
    out.push(`<rect x="${left}" y="${y + 16}" width="${(fx(r.after) - left).toFixed(1)}" height="12" fill="#2ca02c"/>`);
    out.push(`<text x="${(fx(r.after) + 4).toFixed(1)}" y="${y + 26}" font-size="10" fill="#555">${q3(r.after)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
