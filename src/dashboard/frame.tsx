import { Box, Text } from 'ink';
import { Footer } from './components/footer.js';
import { Header } from './components/header.js';
import { HelpOverlay } from './components/help-overlay.js';
import { PromotionsScreen } from './screens/promotions-screen.js';
import { ProposalScreen } from './screens/proposal-screen.js';
import { RunDetailScreen } from './screens/run-detail-screen.js';
import { RunsScreen } from './screens/runs-screen.js';
import { currentScreen, type DashboardState } from './state/state.js';
import { buildPromotionsView } from './view/promotions-view.js';
import { buildProposalView } from './view/proposal-view.js';
import { buildRunDetailView } from './view/run-detail-view.js';
import { screenSize } from './view/screen-size.js';
import { buildRunsView } from './view/runs-view.js';

const TITLES = { runs: 'Runs', run: 'Run detail', proposal: 'Proposal', promotions: 'Promotions' } as const;

/** Renders a state; no effects, no I/O. */
export function Frame({ state, color }: { state: DashboardState; color: boolean }) {
  const screen = currentScreen(state);
  const { width, body } = screenSize(state.size);
  const stats = state.runStats;
  let content;
  if (state.mode.kind === 'help') content = <HelpOverlay width={width} />;
  else if (screen.kind === 'runs') {
    content = state.runs ? (
      <RunsScreen view={buildRunsView(state.runs, width)} cursor={state.cursor.runs} height={body} color={color} />
    ) : (
      <Text>loading runs…</Text>
    );
  } else if (screen.kind === 'run') {
    content =
      state.run && stats ? (
        <RunDetailScreen
          view={buildRunDetailView(state.run, stats, width, body)}
          pane={state.pane}
          scroll={state.scroll}
          width={width}
          height={body}
          color={color}
        />
      ) : (
        <Text>loading run {screen.runId}…</Text>
      );
  } else if (screen.kind === 'proposal') {
    content = state.proposal ? (
      <ProposalScreen
        view={buildProposalView(state.proposal, width)}
        pane={state.pane}
        scroll={state.scroll}
        width={width}
        height={body}
        color={color}
      />
    ) : (
      <Text>loading proposal {screen.proposalId}…</Text>
    );
  } else {
    content = state.promotions ? (
      <PromotionsScreen
        view={buildPromotionsView(state.promotions, state.cursor.promotions, width)}
        cursor={state.cursor.promotions}
        height={body}
        color={color}
      />
    ) : (
      <Text>loading promotions…</Text>
    );
  }
  return (
    <Box flexDirection="column" width={width}>
      <Header title={TITLES[screen.kind]} width={width} color={color} />
      <Box flexDirection="column" height={body} overflow="hidden">
        {content}
      </Box>
      <Footer state={state} screen={screen.kind} width={width} color={color} />
    </Box>
  );
}
