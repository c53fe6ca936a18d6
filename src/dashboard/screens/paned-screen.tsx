import { Box } from 'ink';
import { StyledLine, StyledLines } from '../components/styled-lines.js';
import { layoutPanes, paneTabs, type Pane } from '../view/pane-layout.js';
import { paneRoom } from '../view/screen-size.js';
import type { Line } from '../view/styled-line.js';

/** Run detail and Proposal share this shape: a title, pane tabs, and the panes that fit. */
export function PanedScreen(props: {
  title: Line[];
  panes: Pane[];
  pane: number;
  scroll: number;
  width: number;
  height: number;
  color: boolean;
}) {
  const { title, panes, pane, scroll, width, height, color } = props;
  const room = paneRoom(height, title.length);
  const body = layoutPanes(panes, pane, room, width, scroll);
  return (
    <Box flexDirection="column">
      <StyledLines lines={title} color={color} />
      <StyledLine line={paneTabs(panes, pane)} color={color} />
      <StyledLines lines={body.lines} color={color} />
    </Box>
  );
}
