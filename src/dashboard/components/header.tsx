import { Box, Text } from 'ink';
import { truncate } from '../view/styled-line.js';

export function Header({ title, width, color }: { title: string; width: number; color: boolean }) {
  const right = '? help  q quit';
  const left = truncate(`routelab · ${title}`, Math.max(10, width - right.length - 2));
  const gap = Math.max(1, width - left.length - right.length);
  return (
    <Box>
      <Text wrap="truncate-end" bold={color}>
        {left}
        {' '.repeat(gap)}
        {right}
      </Text>
    </Box>
  );
}
