/** Plain sentences a reviewer reads: every claim carries its number. Formatting helpers live here. */

export const pts = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} points`;
export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
export const usd1k = (x: number): string => `$${x < 0.01 ? x.toPrecision(2) : x.toFixed(x < 1 ? 3 : 2)} per 1k requests`;
export const ms = (x: number): string => `${Math.round(x).toLocaleString('en-US')} ms`;

export function mixText(mix: Record<string, number>): string {
  return Object.entries(mix)
    .filter(([, w]) => w >= 0.0005)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([m, w]) => `${(w * 100).toFixed(w >= 0.1 ? 0 : 1)}% ${m}`)
    .join(', ');
}

export function ratio(a: number, b: number): string {
  if (b === 0) return a === 0 ? 'the same' : 'more than zero';
  const r = a / b - 1;
  return `${r >= 0 ? '+' : '−'}${Math.abs(r * 100).toFixed(0)}%`;
}

/** A p-value as people read it: below 0.001 the bootstrap cannot resolve it further. */
export const pText = (p: number): string => (p < 0.001 ? 'p < 0.001' : `p = ${p.toPrecision(2)}`);
