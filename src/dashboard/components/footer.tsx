import { Text } from 'ink';
import { sanitizeInline } from '../../domain/sanitize.js';
import type { DashboardState } from '../state/state.js';
import { truncate } from '../view/styled-line.js';

/** Keys that work on each screen, shown all the time: nothing to remember. */
export const KEY_HINTS: Record<string, string> = {
  runs: '↑↓/jk move  ⏎ open  a approve  r reject  p promote  tab promotions',
  run: '↑↓/jk scroll  tab pane  ⏎ proposal  a/r/p review  esc back',
  proposal: '↑↓/jk scroll  tab pane  a approve  r reject  p promote  esc back',
  promotions: '↑↓/jk policy  b roll back  tab runs  esc back',
};

/** The bottom two lines: the prompt or last message, then the key hints. */
export function Footer({ state, screen, width, color }: { state: DashboardState; screen: string; width: number; color: boolean }) {
  const mode = state.mode;
  let first: { text: string; tone?: 'error' | 'prompt' } = { text: '' };
  if (mode.kind === 'comment')
    first = { text: `${mode.action} ${mode.proposalId} — comment (⏎ next, esc cancel): ${mode.text}▌`, tone: 'prompt' };
  else if (mode.kind === 'confirm') {
    const what = mode.action === 'rollback' ? `roll back ${mode.target} to its previous version` : `${mode.action} ${mode.target}`;
    first = { text: `${what}${mode.comment ? ` “${mode.comment}”` : ''}? [y/n]`, tone: 'prompt' };
  } else if (state.message)
    first = {
      text: `${state.message.tone === 'error' ? '✗ ' : '✓ '}${state.message.text}`,
      tone: state.message.tone === 'error' ? 'error' : undefined,
    };
  const busy = state.inflight.some((k) => k === 'approve' || k === 'reject' || k === 'promote' || k === 'rollback');
  // A long comment scrolls: the end (where the cursor is) stays visible.
  const raw = sanitizeInline(first.text);
  const text = mode.kind === 'comment' && raw.length > width - 1 ? `…${raw.slice(raw.length - width + 2)}` : truncate(raw, width - 1);
  return (
    <>
      <Text
        wrap="truncate-end"
        color={color ? (first.tone === 'error' ? 'red' : first.tone === 'prompt' ? 'yellow' : undefined) : undefined}
      >
        {text || (busy ? 'working…' : ' ')}
      </Text>
      <Text wrap="truncate-end" dimColor={color}>
        {truncate(KEY_HINTS[screen] ?? '', width - 1)}
      </Text>
    </>
  );
}
