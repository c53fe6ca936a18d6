import { Box, Text } from 'ink';
import { StyledLine, StyledLines } from '../components/styled-lines.js';
import type { PromotionsView } from '../view/promotions-view.js';
import { span } from '../view/styled-line.js';

/** Policies (select one) and that policy's promotion / rollback history. */
export function PromotionsScreen({
  view,
  cursor,
  height,
  color,
}: {
  view: PromotionsView;
  cursor: number;
  height: number;
  color: boolean;
}) {
  if (view.policyNames.length === 0) return <Text>No policies yet (routelab policy add / import).</Text>;
  const policyRoom = Math.max(1, Math.min(view.policyRows.length, Math.floor(height / 3)));
  const start = Math.max(0, Math.min(cursor - Math.floor(policyRoom / 2), view.policyRows.length - policyRoom));
  const historyRoom = Math.max(1, height - policyRoom - 3);
  return (
    <Box flexDirection="column">
      <StyledLine line={[span('  '), ...view.policyHeader]} color={color} />
      {view.policyRows.slice(start, start + policyRoom).map((row, i) => {
        const selected = start + i === cursor;
        return <StyledLine key={start + i} line={[span(selected ? '› ' : '  ', 'accent'), ...row]} color={color} inverse={selected} />;
      })}
      <Text> </Text>
      <StyledLines lines={view.history.slice(0, historyRoom)} color={color} />
    </Box>
  );
}
