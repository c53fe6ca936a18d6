import { useApp, useInput, useStdout, type Key } from 'ink';
import { useEffect, useReducer, useRef } from 'react';
import { sanitizeInline } from '../domain/sanitize.js';
import type { DashboardActions, DashboardSource } from './data/dashboard-source.js';
import { Frame } from './frame.js';
import type { Command, DashboardEvent, KeyPress } from './state/events.js';
import { reduce } from './state/reducer.js';
import { initialState } from './state/state.js';

export function toKeyPress(input: string, key: Key): KeyPress {
  return {
    input,
    up: key.upArrow,
    down: key.downArrow,
    left: key.leftArrow,
    right: key.rightArrow,
    enter: key.return,
    escape: key.escape,
    tab: key.tab,
    shift: key.shift,
    // Most terminals send DEL (0x7f) for the backspace key, which Ink reports as `delete`.
    backspace: key.backspace || key.delete,
    ctrl: key.ctrl,
    pageUp: key.pageUp,
    pageDown: key.pageDown,
  };
}

const errorText = (e: unknown) => sanitizeInline(e instanceof Error ? e.message : String(e));

/** Run one command against the store or the review actions; always answer with an event. */
export async function runCommand(c: Command, source: DashboardSource, actions: DashboardActions): Promise<DashboardEvent> {
  try {
    switch (c.kind) {
      case 'load-runs':
        return { type: 'runs-loaded', data: await source.loadRuns() };
      case 'load-run':
        return { type: 'run-loaded', data: await source.loadRun(c.runId) };
      case 'load-proposal':
        return { type: 'proposal-loaded', data: await source.loadProposal(c.proposalId) };
      case 'load-promotions':
        return { type: 'promotions-loaded', data: await source.loadPromotions() };
      case 'approve':
        return { type: 'action-done', message: await actions.approve(c.proposalId, c.comment) };
      case 'reject':
        return { type: 'action-done', message: await actions.reject(c.proposalId, c.comment) };
      case 'promote':
        return { type: 'action-done', message: await actions.promote(c.proposalId) };
      case 'rollback':
        return { type: 'action-done', message: await actions.rollback(c.policyName) };
    }
  } catch (e) {
    if (c.kind.startsWith('load-')) return { type: 'load-failed', what: c.kind, message: errorText(e) };
    return { type: 'action-failed', message: errorText(e) };
  }
}

export interface DashboardAppProps {
  source: DashboardSource;
  actions: DashboardActions;
  size: { columns: number; rows: number };
  color: boolean;
  /** How often the store is polled for live runs (ms). */
  pollMs?: number;
}

/** State from the one reducer; effects only run the commands it queues, the poll and resizes. */
export function DashboardApp({ source, actions, size, color, pollMs = 1000 }: DashboardAppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [state, dispatch] = useReducer(reduce, size, initialState);
  useInput((input, key) => dispatch({ type: 'key', key: toKeyPress(input, key) }));
  useEffect(() => {
    const timer = setInterval(() => dispatch({ type: 'tick' }), pollMs);
    return () => clearInterval(timer);
  }, [pollMs]);
  useEffect(() => {
    const onResize = () => dispatch({ type: 'resize', columns: stdout.columns ?? size.columns, rows: stdout.rows ?? size.rows });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, size.columns, size.rows]);
  const started = useRef(0);
  useEffect(() => {
    for (const c of state.commands) {
      if (c.id <= started.current) continue;
      started.current = c.id;
      void runCommand(c, source, actions).then(dispatch);
    }
  }, [state.commands, source, actions]);
  useEffect(() => {
    if (state.quit) exit();
  }, [state.quit, exit]);
  return <Frame state={state} color={color} />;
}
