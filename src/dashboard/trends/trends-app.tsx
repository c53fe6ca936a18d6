import { Box, Text, useApp, useInput } from 'ink';
import { useEffect, useMemo, useReducer } from 'react';
import { sanitizeInline } from '../../domain/sanitize.js';
import type { ChangedCase } from '../../stats/compare-runs.js';
import { StyledLine } from '../components/styled-lines.js';
import type { TrendsData } from '../data/load-trends.js';
import { buildTrendsDiffView, buildTrendsView, type TrendsDrill } from '../view/trends-view.js';
import { initialTrendsState, reduceTrends, type TrendsEvent, type TrendsState } from './trends-state.js';

/** Where the trends screen's data comes from (the store in production and in tests). */
export interface TrendsSource {
  load(): Promise<TrendsData>;
  diff(drill: TrendsDrill): Promise<ChangedCase[]>;
}

export interface TrendsAppProps {
  source: TrendsSource;
  size: { columns: number; rows: number };
  color: boolean;
}

const errorText = (e: unknown) => sanitizeInline(e instanceof Error ? e.message : String(e));

/** The trends screen: regressions first, sparklines per model and metric; Enter drills into two runs. */
export function TrendsApp({ source, size, color }: TrendsAppProps) {
  const { exit } = useApp();
  const width = Math.max(40, size.columns);
  const [state, dispatch] = useReducer(
    // The drill targets come from the view of the state being reduced, never from a stale closure.
    (s: TrendsState, e: TrendsEvent) => reduceTrends(s, e, s.data ? buildTrendsView(s.data, width).drills : []),
    undefined,
    initialTrendsState,
  );
  const view = useMemo(() => (state.data ? buildTrendsView(state.data, width) : null), [state.data, width]);
  useEffect(() => {
    source.load().then(
      (data) => dispatch({ type: 'loaded', data }),
      (e: unknown) => dispatch({ type: 'failed', message: errorText(e) }),
    );
  }, [source]);
  useEffect(() => {
    const drill = state.drill;
    if (!drill || state.changed) return;
    source.diff(drill).then(
      (changed) => dispatch({ type: 'diff-loaded', drill, changed }),
      (e: unknown) => dispatch({ type: 'failed', message: errorText(e) }),
    );
  }, [state.drill, state.changed, source]);
  useEffect(() => {
    if (state.quit) exit();
  }, [state.quit, exit]);
  useInput((input, key) => {
    if (input === 'q') dispatch({ type: 'quit' });
    else if (key.escape) dispatch({ type: 'back' });
    else if (key.upArrow || input === 'k') dispatch({ type: 'up' });
    else if (key.downArrow || input === 'j') dispatch({ type: 'down' });
    else if (key.return) dispatch({ type: 'enter' });
  });

  const body = Math.max(4, size.rows - 4);
  let content;
  if (state.error) content = <Text>error: {state.error}</Text>;
  else if (!view) content = <Text>loading trends…</Text>;
  else if (state.drill) {
    const lines = state.changed ? buildTrendsDiffView(state.drill, state.changed, width) : null;
    content = lines ? (
      lines.slice(0, body).map((l, i) => <StyledLine key={i} line={l} color={color} />)
    ) : (
      <Text>loading the two runs…</Text>
    );
  } else if (view.empty) content = <Text>no finished runs yet: trends appear once runs complete</Text>;
  else {
    const first = Math.max(0, Math.min(state.cursor - Math.floor(body / 2), view.rows.length - body));
    content = view.rows.slice(first, first + body).map((l, i) => {
      const selected = first + i === state.cursor;
      return <StyledLine key={first + i} line={[{ text: selected ? '› ' : '  ' }, ...l]} color={color} inverse={selected} />;
    });
  }
  return (
    <Box flexDirection="column" width={width}>
      <Text bold={color}>routelab · Trends</Text>
      {view && !state.drill ? view.title.map((l, i) => <StyledLine key={`t${i}`} line={l} color={color} />) : null}
      <Box flexDirection="column" height={body} overflow="hidden">
        {content}
      </Box>
    </Box>
  );
}
