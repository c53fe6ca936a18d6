/** Number and date formats shared by every screen (and the plain output). */

export const fmtPct = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`;

export const fmtNum = (x: number | null | undefined, digits = 3): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);

export function fmtUsd(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (Math.abs(x) >= 100) return `$${x.toFixed(0)}`;
  if (Math.abs(x) >= 0.01 || x === 0) return `$${x.toFixed(2)}`;
  return `$${x.toFixed(4)}`;
}

export function fmtMs(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x >= 10_000 ? `${(x / 1000).toFixed(1)}s` : `${Math.round(x)}ms`;
}

/** Quality ± half-width of its CI: `0.812±0.031`. */
export function fmtMeanCi(mean: number, ci: [number, number], digits = 3): string {
  if (!Number.isFinite(mean)) return '—';
  const half = (ci[1] - ci[0]) / 2;
  return Number.isFinite(half) ? `${mean.toFixed(digits)}±${half.toFixed(digits)}` : mean.toFixed(digits);
}

export function fmtSigned(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '—';
  const s = x.toFixed(digits);
  return x > 0 ? `+${s}` : x === 0 ? ` ${s}` : s;
}

/** UTC so two reviewers in different zones read the same time. */
export function fmtDate(d: Date | null | undefined): string {
  if (!d) return '—';
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
