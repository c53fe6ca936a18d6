/**
 * The dashboard's unit of output: a line of spans, each with a tone. Tones are a hint for colour
 * only — every fact a tone stresses is also in the text (a mark, a sign, brackets), so the plain
 * renderer and NO_COLOR terminals lose nothing.
 */
export type Tone = 'plain' | 'dim' | 'good' | 'bad' | 'warn' | 'accent' | 'heading';

export interface Span {
  text: string;
  tone?: Tone;
}

export type Line = Span[];

export const span = (text: string, tone?: Tone): Span => (tone ? { text, tone } : { text });
export const line = (text: string, tone?: Tone): Line => [span(text, tone)];
export const lineText = (l: Line): string => l.map((s) => s.text).join('');

/** Terminal cell width of one code point: wide East Asian and emoji take two, combining marks none. */
function cellWidth(cp: number): number {
  if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += cellWidth(ch.codePointAt(0) as number);
  return w;
}

/** Cut text to at most `width` cells, ending in `…` when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = cellWidth(ch.codePointAt(0) as number);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/** Keep both ends of a name (`support-a…by-intent v1`): variants often share a long prefix. */
export function truncateMiddle(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  if (width <= 4) return truncate(text, width);
  const chars = [...text];
  const tail = Math.floor((width - 1) / 2);
  const head = width - 1 - tail;
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

/** Word-wrap to `width` cells; the first line starts with `first`, the rest with `rest`. */
export function wrapText(text: string, width: number, first = '', rest = ''): string[] {
  const out: string[] = [];
  let cur = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = empty ? cur + word : `${cur} ${word}`;
    if (textWidth(candidate) <= width || empty) {
      cur = textWidth(candidate) > width ? truncate(candidate, width) : candidate;
      empty = false;
    } else {
      out.push(cur);
      cur = rest + word;
    }
  }
  out.push(cur);
  return out;
}

export function padEnd(text: string, width: number): string {
  const t = truncate(text, width);
  return t + ' '.repeat(Math.max(0, width - textWidth(t)));
}

export function padStart(text: string, width: number): string {
  const t = truncate(text, width);
  return ' '.repeat(Math.max(0, width - textWidth(t))) + t;
}

/** Cut a line to `width` cells. */
export function fitLine(l: Line, width: number): Line {
  const out: Line = [];
  let left = width;
  for (const s of l) {
    if (left <= 0) break;
    const w = textWidth(s.text);
    if (w <= left) {
      out.push(s);
      left -= w;
    } else {
      out.push({ ...s, text: truncate(s.text, left) });
      left = 0;
    }
  }
  return out;
}
