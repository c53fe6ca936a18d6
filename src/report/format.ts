/** Number formats shared by the markdown and the charts. */

export const q3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '–');
export const ci = (c: readonly [number, number]): string => (Number.isFinite(c[0]) ? `${c[0].toFixed(3)}–${c[1].toFixed(3)}` : '–');
export const pctText = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');
export const msText = (x: number): string => (Number.isFinite(x) ? `${Math.round(x).toLocaleString('en-US')}` : '–');

/** USD with enough significant digits for per-request prices of a fraction of a cent. */
export function usd(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '$0';
  const sign = x < 0 ? '−' : '';
  const a = Math.abs(x);
  if (a >= 100) return `${sign}$${a.toFixed(0)}`;
  if (a >= 0.095) return `${sign}$${a.toFixed(2)}`;
  return `${sign}$${a.toPrecision(2)}`;
}
