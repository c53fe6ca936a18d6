import { padEnd, padStart, span, textWidth, truncateMiddle, type Line, type Span, type Tone } from './styled-line.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Never shrink below this many cells. */
  min?: number;
  /** Cut long names in the middle, keeping the distinguishing end. */
  middle?: boolean;
}

export type Cell = string | Span;

const cellText = (c: Cell): string => (typeof c === 'string' ? c : c.text);
const cellTone = (c: Cell): Tone | undefined => (typeof c === 'string' ? undefined : c.tone);

/**
 * Lay out a table in `width` cells: the header, a rule, then one Line per row. When too wide, the
 * widest shrinkable column gives way first, so numbers keep their width and names get cut with `…`.
 */
export function layoutTable(columns: Column[], rows: Cell[][], width: number, gap = 2): { header: Line; rule: Line; rows: Line[] } {
  const widths = columns.map((c, i) => Math.max(textWidth(c.header), ...rows.map((r) => textWidth(cellText(r[i] ?? '')))));
  const total = () => widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1);
  while (total() > width) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      const floor = columns[i]?.min ?? 4;
      if ((widths[i] as number) > floor && (widest < 0 || (widths[i] as number) > (widths[widest] as number))) widest = i;
    }
    if (widest < 0) break;
    widths[widest] = (widths[widest] as number) - 1;
  }
  const render = (cells: Cell[], tone?: Tone): Line => {
    const out: Line = [];
    cells.forEach((c, i) => {
      const w = widths[i] ?? 0;
      const col = columns[i];
      const raw = col?.middle ? truncateMiddle(cellText(c), w) : cellText(c);
      const text = col?.align === 'right' ? padStart(raw, w) : padEnd(raw, w);
      if (i > 0) out.push(span(' '.repeat(gap)));
      out.push(span(i === cells.length - 1 ? text.trimEnd() : text, cellTone(c) ?? tone));
    });
    return out;
  };
  return {
    header: render(
      columns.map((c) => c.header),
      'heading',
    ),
    rule: [span(widths.map((w) => '─'.repeat(w)).join(' '.repeat(gap)), 'dim')],
    rows: rows.map((r) => render(r)),
  };
}
