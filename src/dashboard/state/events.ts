import type { PromotionsData, ProposalData, RunDetailData, RunsData } from '../data/dashboard-data.js';

/** The keys the dashboard reacts to, independent of Ink's key object. */
export interface KeyPress {
  input: string;
  up?: boolean;
  down?: boolean;
  left?: boolean;
  right?: boolean;
  enter?: boolean;
  escape?: boolean;
  tab?: boolean;
  shift?: boolean;
  backspace?: boolean;
  ctrl?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
}

/** Every change of dashboard state is one of these, folded by `reduce`. */
export type DashboardEvent =
  | { type: 'key'; key: KeyPress }
  | { type: 'tick' }
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'runs-loaded'; data: RunsData }
  | { type: 'run-loaded'; data: RunDetailData }
  | { type: 'proposal-loaded'; data: ProposalData }
  | { type: 'promotions-loaded'; data: PromotionsData }
  | { type: 'load-failed'; what: CommandKind; message: string }
  | { type: 'action-done'; message: string }
  | { type: 'action-failed'; message: string };

/** Side effects the reducer asks for; the app runs them and answers with events. */
export type Command =
  | { id: number; kind: 'load-runs' }
  | { id: number; kind: 'load-run'; runId: string }
  | { id: number; kind: 'load-proposal'; proposalId: string }
  | { id: number; kind: 'load-promotions' }
  | { id: number; kind: 'approve'; proposalId: string; comment: string }
  | { id: number; kind: 'reject'; proposalId: string; comment: string }
  | { id: number; kind: 'promote'; proposalId: string }
  | { id: number; kind: 'rollback'; policyName: string };

export type CommandKind = Command['kind'];

/** Distributive Omit so each command variant keeps its own fields. */
export type CommandRequest = Command extends infer C ? (C extends Command ? Omit<C, 'id'> : never) : never;
