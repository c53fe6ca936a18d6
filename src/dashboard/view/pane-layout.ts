import { fitLine, span, type Line } from './styled-line.js';

export interface Pane {
  title: string;
  lines: Line[];
}

/** The pane tabs: the focused one in brackets, so focus is visible without colour. */
export function paneTabs(panes: Pane[], focused: number): Line {
  const out: Line = [];
  panes.forEach((p, i) => {
    if (i > 0) out.push(span('  '));
    out.push(i === focused ? span(`[${p.title}]`, 'accent') : span(` ${p.title} `, 'dim'));
  });
  return out;
}

/**
 * Fit a screen's panes into `height` rows of `width` cells. When everything fits (a tall terminal)
 * every pane is shown, one under the other; otherwise the focused pane and those after it that fit
 * whole, or — when the focused pane alone is too long — that pane scrolled, with a `↓ more` mark.
 * `scroll` is clamped to what can be shown.
 */
export function layoutPanes(
  panes: Pane[],
  focused: number,
  height: number,
  width: number,
  scroll: number,
): { lines: Line[]; scroll: number } {
  const all: Line[] = [];
  panes.forEach((p, i) => {
    if (i > 0) all.push([]);
    all.push([span(`▸ ${p.title}`, 'heading')], ...p.lines);
  });
  if (all.length <= height) return { lines: all.map((l) => fitLine(l, width)), scroll: 0 };
  const f = Math.max(0, Math.min(focused, panes.length - 1));
  const pane = panes[f];
  const body = pane ? pane.lines : [];
  if (body.length + 1 <= height) {
    // The focused pane fits: fill the rest with the panes after it that fit whole.
    const out: Line[] = [[span(`▸ ${pane?.title ?? ''}`, 'heading')], ...body];
    for (const next of panes.slice(f + 1)) {
      if (out.length + next.lines.length + 2 <= height) {
        out.push([], [span(`▸ ${next.title}`, 'heading')], ...next.lines);
        continue;
      }
      // A taste of the next pane rather than blank rows; tab shows all of it.
      const room = height - out.length - 2;
      if (room >= 1) out.push([], [span(`▸ ${next.title}`, 'heading'), span('  (tab for all of it)', 'dim')], ...next.lines.slice(0, room));
      break;
    }
    return { lines: out.map((l) => fitLine(l, width)), scroll: 0 };
  }
  const room = Math.max(1, height - 1);
  const maxScroll = Math.max(0, body.length - room);
  const s = Math.max(0, Math.min(scroll, maxScroll));
  const visible = body.slice(s, s + room);
  const below = body.length - (s + visible.length);
  const marker = below > 0 ? span(`  ↓ ${below} more (j/k scroll)`, 'dim') : s > 0 ? span('  ↑ (k scroll up)', 'dim') : span('');
  const lines = [[span(`▸ ${pane?.title ?? ''}`, 'heading'), marker], ...visible];
  return { lines: lines.map((l) => fitLine(l, width)), scroll: s };
}
