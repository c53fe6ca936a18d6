import { Box, Text } from 'ink';
import { StyledLine } from '../components/styled-lines.js';
import type { RunsView } from '../view/runs-view.js';
import { span } from '../view/styled-line.js';

/** Runs, newest first; the selected row has a `›` (and inverse video when colour is on). */
export function RunsScreen({ view, cursor, height, color }: { view: RunsView; cursor: number; height: number; color: boolean }) {
  if (view.empty) {
    return (
      <Box flexDirection="column">
        <Text>No runs yet.</Text>
        <Text>Start one with `routelab run --policy NAME --sample S` (or `npm start` for the demo).</Text>
      </Box>
    );
  }
  const room = Math.max(1, height - 2);
  const start = Math.max(0, Math.min(cursor - Math.floor(room / 2), view.rows.length - room));
  const visible = view.rows.slice(start, start + room);
  return (
    <Box flexDirection="column">
      <StyledLine line={[span('  '), ...view.header]} color={color} />
      <StyledLine line={[span('  '), ...view.rule]} color={color} />
      {visible.map((row, i) => {
        const selected = start + i === cursor;
        return <StyledLine key={start + i} line={[span(selected ? '› ' : '  ', 'accent'), ...row]} color={color} inverse={selected} />;
      })}
    </Box>
  );
}
