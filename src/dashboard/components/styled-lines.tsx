import { Text } from 'ink';
import type { Line, Tone } from '../view/styled-line.js';

/** Colour repeats what the text already says; with NO_COLOR nothing is styled at all. */
function toneProps(tone: Tone | undefined, color: boolean): { color?: string; bold?: boolean; dimColor?: boolean } {
  if (!color || !tone) return {};
  switch (tone) {
    case 'good':
      return { color: 'green' };
    case 'bad':
      return { color: 'red' };
    case 'warn':
      return { color: 'yellow' };
    case 'accent':
      return { color: 'cyan' };
    case 'heading':
      return { bold: true };
    case 'dim':
      return { dimColor: true };
    case 'plain':
      return {};
  }
}

export function StyledLine({ line, color, inverse = false }: { line: Line; color: boolean; inverse?: boolean }) {
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end" inverse={inverse && color}>
      {line.map((s, i) => (
        <Text key={i} {...toneProps(s.tone, color)}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

export function StyledLines({ lines, color }: { lines: Line[]; color: boolean }) {
  return (
    <>
      {lines.map((l, i) => (
        <StyledLine key={i} line={l} color={color} />
      ))}
    </>
  );
}
