import type { ProposalView } from '../view/proposal-view.js';
import { PanedScreen } from './paned-screen.js';

/** Weights before/after, per-segment rules, predicted holdout impact, rationale, the policy diff. */
export function ProposalScreen(props: { view: ProposalView; pane: number; scroll: number; width: number; height: number; color: boolean }) {
  return <PanedScreen title={props.view.title} panes={props.view.panes} {...props} />;
}
