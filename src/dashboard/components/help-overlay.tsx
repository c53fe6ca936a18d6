import { Box, Text } from 'ink';

const HELP: Array<[string, string]> = [
  ['↑ ↓  j k', 'move the selection, or scroll the focused pane'],
  ['PgUp PgDn', 'scroll by ten lines'],
  ['⏎ enter', 'open the run, or the run’s proposal'],
  ['esc', 'back to the previous screen'],
  ['tab', 'next pane (shift+tab: previous); runs ⇄ promotions'],
  ['a', 'approve the proposal (asks for a comment, then y/n)'],
  ['r', 'reject the proposal (asks for a comment, then y/n)'],
  ['p', 'promote the approved proposal: new active version + export'],
  ['b', 'on Promotions: roll the selected policy back one version'],
  ['?', 'this help (any key closes it)'],
  ['q', 'quit'],
];

export function HelpOverlay({ width }: { width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>Keys</Text>
      {HELP.map(([k, what]) => (
        <Text key={k} wrap="truncate-end">
          {`  ${k.padEnd(11)} ${what}`}
        </Text>
      ))}
      <Text> </Text>
      <Text wrap="truncate-end">Marks: ▲ better * / ▼ worse * (significant, Holm) · = n.s. · ◆ frontier</Text>
      <Text wrap="truncate-end">● waiting: a proposal needs review · [Pane] is the focused pane</Text>
    </Box>
  );
}
