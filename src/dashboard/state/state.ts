import type { PromotionsData, ProposalData, RunDetailData, RunsData } from '../data/dashboard-data.js';
import type { RunDetailStats } from '../view/run-detail-view.js';
import type { Command, CommandKind } from './events.js';

export type Screen = { kind: 'runs' } | { kind: 'run'; runId: string } | { kind: 'proposal'; proposalId: string } | { kind: 'promotions' };

export type ReviewAction = 'approve' | 'reject' | 'promote' | 'rollback';

export type Mode =
  | { kind: 'browse' }
  | { kind: 'help' }
  | { kind: 'comment'; action: 'approve' | 'reject'; proposalId: string; text: string }
  | { kind: 'confirm'; action: ReviewAction; target: string; comment: string };

export interface DashboardState {
  /** Navigation stack; the last entry is on screen. */
  stack: Screen[];
  runs: RunsData | null;
  run: RunDetailData | null;
  /** Bootstrap statistics of `run`, computed once when it loads (seeded, so stable across polls). */
  runStats: RunDetailStats | null;
  proposal: ProposalData | null;
  promotions: PromotionsData | null;
  cursor: { runs: number; promotions: number };
  pane: number;
  scroll: number;
  mode: Mode;
  message: { tone: 'info' | 'error'; text: string } | null;
  size: { columns: number; rows: number };
  /** Loads and actions in flight, so polling never piles requests up. */
  inflight: CommandKind[];
  commands: Command[];
  nextCommandId: number;
  quit: boolean;
}

export function initialState(size: { columns: number; rows: number }): DashboardState {
  return {
    stack: [{ kind: 'runs' }],
    runs: null,
    run: null,
    runStats: null,
    proposal: null,
    promotions: null,
    cursor: { runs: 0, promotions: 0 },
    pane: 0,
    scroll: 0,
    mode: { kind: 'browse' },
    message: null,
    size,
    inflight: ['load-runs'],
    commands: [{ id: 1, kind: 'load-runs' }],
    nextCommandId: 2,
    quit: false,
  };
}

export const currentScreen = (s: DashboardState): Screen => s.stack[s.stack.length - 1] ?? { kind: 'runs' };
