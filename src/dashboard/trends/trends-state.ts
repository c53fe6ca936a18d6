import type { ChangedCase } from '../../stats/compare-runs.js';
import type { TrendsData } from '../data/load-trends.js';
import type { TrendsDrill } from '../view/trends-view.js';

/** The trends screen's state: the list with a cursor, or the drill-down into two runs. */
export interface TrendsState {
  data: TrendsData | null;
  cursor: number;
  drill: TrendsDrill | null;
  changed: ChangedCase[] | null;
  error: string | null;
  quit: boolean;
}

export type TrendsEvent =
  | { type: 'loaded'; data: TrendsData }
  | { type: 'diff-loaded'; drill: TrendsDrill; changed: ChangedCase[] }
  | { type: 'failed'; message: string }
  | { type: 'up' }
  | { type: 'down' }
  | { type: 'enter' }
  | { type: 'back' }
  | { type: 'quit' };

export const initialTrendsState = (): TrendsState => ({ data: null, cursor: 0, drill: null, changed: null, error: null, quit: false });

/**
 * Pure. `drills` are the rows' drill targets of the view on screen (what Enter opens). The app runs the load a drill asks for (state.drill set, changed null) and answers diff-loaded.
 */
export function reduceTrends(s: TrendsState, e: TrendsEvent, drills: ReadonlyArray<TrendsDrill | null>): TrendsState {
  const rowCount = drills.length;
  switch (e.type) {
    case 'loaded':
      return { ...s, data: e.data, cursor: Math.min(s.cursor, Math.max(0, rowCount - 1)), error: null };
    case 'diff-loaded':
      return s.drill === e.drill ? { ...s, changed: e.changed } : s;
    case 'failed':
      return { ...s, error: e.message };
    case 'up':
      return s.drill ? s : { ...s, cursor: Math.max(0, s.cursor - 1) };
    case 'down':
      return s.drill ? s : { ...s, cursor: Math.min(Math.max(0, rowCount - 1), s.cursor + 1) };
    case 'enter': {
      const drill = drills[s.cursor] ?? null;
      return s.drill || !drill ? s : { ...s, drill, changed: null };
    }
    case 'back':
      return { ...s, drill: null, changed: null };
    case 'quit':
      return { ...s, quit: true };
  }
}
