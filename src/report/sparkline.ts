const BARS = '▁▂▃▄▅▆▇█';

/**
 * A one-line chart of a series (oldest left), scaled to its own min..max; NaN shows as a space. At
 * most `width` points: the latest ones.
 */
export function sparkline(values: readonly number[], width = 24): string {
  const v = values.slice(-width);
  const finite = v.filter(Number.isFinite);
  if (finite.length === 0) return ' '.repeat(v.length);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return v
    .map((x) => {
      if (!Number.isFinite(x)) return ' ';
      if (hi === lo) return BARS[3];
      return BARS[Math.min(BARS.length - 1, Math.floor(((x - lo) / (hi - lo)) * BARS.length))];
    })
    .join('');
}
