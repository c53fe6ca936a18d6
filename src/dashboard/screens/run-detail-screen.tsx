import type { RunDetailView } from '../view/run-detail-view.js';
import { PanedScreen } from './paned-screen.js';

/** Scoreboard (models × segments), variants against the baseline, the quality/cost chart. */
export function RunDetailScreen(props: {
  view: RunDetailView;
  pane: number;
  scroll: number;
  width: number;
  height: number;
  color: boolean;
}) {
  return <PanedScreen title={props.view.title} panes={props.view.panes} {...props} />;
}
