import { checkExhaustive } from '../../domain/errors.js';
import type { Pane } from '../view/pane-layout.js';
import { buildProposalView } from '../view/proposal-view.js';
import { buildRunDetailView, computeRunDetailStats } from '../view/run-detail-view.js';
import { paneRoom, screenSize } from '../view/screen-size.js';
import type { CommandRequest, DashboardEvent, KeyPress } from './events.js';
import { currentScreen, type DashboardState, type Screen } from './state.js';

/**
 * The one reducer: every key, tick, load and action result goes through here. It never does I/O;
 * it queues commands (`state.commands`) that the app runs and answers with events.
 */

const MAX_COMMANDS = 16;

function emit(s: DashboardState, req: CommandRequest): DashboardState {
  const command = { ...req, id: s.nextCommandId } as DashboardState['commands'][number];
  return {
    ...s,
    commands: [...s.commands, command].slice(-MAX_COMMANDS),
    nextCommandId: s.nextCommandId + 1,
    inflight: [...s.inflight, req.kind],
  };
}

function emitOnce(s: DashboardState, req: CommandRequest): DashboardState {
  return s.inflight.includes(req.kind) ? s : emit(s, req);
}

const done = (s: DashboardState, kind: DashboardState['inflight'][number]): DashboardState => {
  const i = s.inflight.indexOf(kind);
  return i < 0 ? s : { ...s, inflight: [...s.inflight.slice(0, i), ...s.inflight.slice(i + 1)] };
};

const isLive = (status: string | undefined) => status === 'running' || status === 'queued';

function push(s: DashboardState, screen: Screen): DashboardState {
  const next = { ...s, stack: [...s.stack, screen], pane: 0, scroll: 0, message: null };
  if (screen.kind === 'run') return emit({ ...next, run: null, runStats: null }, { kind: 'load-run', runId: screen.runId });
  if (screen.kind === 'proposal') return emit({ ...next, proposal: null }, { kind: 'load-proposal', proposalId: screen.proposalId });
  if (screen.kind === 'promotions') return emitOnce(next, { kind: 'load-promotions' });
  return emitOnce(next, { kind: 'load-runs' });
}

/** Reload what the screen shows (after an action, or on a poll). */
function reload(s: DashboardState): DashboardState {
  const screen = currentScreen(s);
  switch (screen.kind) {
    case 'runs':
      return emitOnce(s, { kind: 'load-runs' });
    case 'run':
      return emitOnce(s, { kind: 'load-run', runId: screen.runId });
    case 'proposal':
      return emitOnce(s, { kind: 'load-proposal', proposalId: screen.proposalId });
    case 'promotions':
      return emitOnce(s, { kind: 'load-promotions' });
    default:
      return checkExhaustive(screen);
  }
}

/** The proposal `a` / `r` / `p` act on from here, with its status when known. */
export function proposalTarget(s: DashboardState): { id: string; status: string | null } | null {
  const screen = currentScreen(s);
  if (screen.kind === 'proposal') return { id: screen.proposalId, status: s.proposal?.id === screen.proposalId ? s.proposal.status : null };
  if (screen.kind === 'run') {
    const props = s.run?.run.runId === screen.runId ? s.run.proposals : [];
    const p = props.find((x) => x.status === 'pending') ?? props.find((x) => x.status === 'approved') ?? props[0];
    return p ? { id: p.id, status: p.status } : null;
  }
  if (screen.kind === 'runs') {
    const p = s.runs?.runs[s.cursor.runs]?.proposal;
    return p ? { id: p.id, status: p.status } : null;
  }
  return null;
}

function info(s: DashboardState, text: string, tone: 'info' | 'error' = 'info'): DashboardState {
  return { ...s, message: { tone, text } };
}

function move(s: DashboardState, delta: number): DashboardState {
  const screen = currentScreen(s);
  if (screen.kind === 'runs') {
    const n = s.runs?.runs.length ?? 0;
    return { ...s, cursor: { ...s.cursor, runs: Math.max(0, Math.min(n - 1, s.cursor.runs + delta)) } };
  }
  if (screen.kind === 'promotions') {
    const n = s.promotions?.policies.length ?? 0;
    return { ...s, cursor: { ...s.cursor, promotions: Math.max(0, Math.min(n - 1, s.cursor.promotions + delta)) } };
  }
  return { ...s, scroll: Math.max(0, Math.min(maxScroll(s), s.scroll + delta)) };
}

/** How far the focused pane can scroll: the same layout the frame will draw. */
export function maxScroll(s: DashboardState): number {
  const screen = currentScreen(s);
  const { width, body } = screenSize(s.size);
  let view: { title: unknown[]; panes: Pane[] } | null = null;
  if (screen.kind === 'run' && s.run && s.runStats) view = buildRunDetailView(s.run, s.runStats, width, body);
  if (screen.kind === 'proposal' && s.proposal) view = buildProposalView(s.proposal, width);
  if (!view) return 0;
  const room = paneRoom(body, view.title.length);
  const total = view.panes.reduce((n, p) => n + p.lines.length + 2, -1);
  if (total <= room) return 0;
  const pane = view.panes[s.pane];
  return Math.max(0, (pane?.lines.length ?? 0) - (room - 1));
}

const PANES: Record<Screen['kind'], number> = { runs: 1, run: 3, proposal: 5, promotions: 1 };

function startDecision(s: DashboardState, action: 'approve' | 'reject'): DashboardState {
  const target = proposalTarget(s);
  if (!target) return info(s, 'no proposal here to review', 'error');
  if (target.status && target.status !== 'pending')
    return info(s, `proposal ${target.id} is ${target.status}; only a pending one can be ${action}d`, 'error');
  return { ...s, mode: { kind: 'comment', action, proposalId: target.id, text: '' }, message: null };
}

function browseKey(s: DashboardState, k: KeyPress): DashboardState {
  const screen = currentScreen(s);
  if (k.input === 'q' || (k.ctrl && k.input === 'c')) return { ...s, quit: true };
  if (k.input === '?') return { ...s, mode: { kind: 'help' } };
  if (k.escape) {
    if (s.stack.length <= 1) return s;
    return reload({ ...s, stack: s.stack.slice(0, -1), pane: 0, scroll: 0, message: null });
  }
  if (k.tab) {
    if (screen.kind === 'runs' || screen.kind === 'promotions') {
      const other: Screen = screen.kind === 'runs' ? { kind: 'promotions' } : { kind: 'runs' };
      return push({ ...s, stack: s.stack.slice(0, -1) }, other);
    }
    const n = PANES[screen.kind];
    return { ...s, pane: (s.pane + (k.shift ? n - 1 : 1)) % n, scroll: 0 };
  }
  if (k.up || k.input === 'k') return move(s, -1);
  if (k.down || k.input === 'j') return move(s, 1);
  if (k.pageUp) return move(s, -10);
  if (k.pageDown || k.input === ' ') return move(s, 10);
  if (k.enter) {
    if (screen.kind === 'runs') {
      const row = s.runs?.runs[s.cursor.runs];
      return row ? push(s, { kind: 'run', runId: row.runId }) : s;
    }
    if (screen.kind === 'run') {
      const target = proposalTarget(s);
      return target
        ? push(s, { kind: 'proposal', proposalId: target.id })
        : info(s, 'this run has no proposal yet (routelab propose --run …)');
    }
    return s;
  }
  if (k.input === 'a') return startDecision(s, 'approve');
  if (k.input === 'r') return startDecision(s, 'reject');
  if (k.input === 'p') {
    const target = proposalTarget(s);
    if (!target) return info(s, 'no proposal here to promote', 'error');
    if (target.status && target.status !== 'approved')
      return info(s, `proposal ${target.id} is ${target.status}; only an approved one can be promoted`, 'error');
    return { ...s, mode: { kind: 'confirm', action: 'promote', target: target.id, comment: '' }, message: null };
  }
  if (k.input === 'b' && screen.kind === 'promotions') {
    const name = s.promotions?.policies[s.cursor.promotions]?.name;
    if (!name) return s;
    return { ...s, mode: { kind: 'confirm', action: 'rollback', target: name, comment: '' }, message: null };
  }
  return s;
}

function onKey(s: DashboardState, k: KeyPress): DashboardState {
  const mode = s.mode;
  switch (mode.kind) {
    case 'browse':
      return browseKey(s, k);
    case 'help':
      if (k.ctrl && k.input === 'c') return { ...s, quit: true };
      return { ...s, mode: { kind: 'browse' } };
    case 'comment': {
      if (k.escape) return info({ ...s, mode: { kind: 'browse' } }, `${mode.action} cancelled`);
      if (k.enter) return { ...s, mode: { kind: 'confirm', action: mode.action, target: mode.proposalId, comment: mode.text.trim() } };
      if (k.backspace) return { ...s, mode: { ...mode, text: [...mode.text].slice(0, -1).join('') } };
      if (k.ctrl || k.tab || k.up || k.down || k.left || k.right) return s;
      // Typed text only: control characters from a paste never reach the comment.
      const typed = k.input.replace(/[\x00-\x1f\x7f-\x9f]/g, '');
      return typed ? { ...s, mode: { ...mode, text: (mode.text + typed).slice(0, 500) } } : s;
    }
    case 'confirm': {
      if (k.input === 'y' || k.input === 'Y' || k.enter) {
        const next = {
          ...s,
          mode: { kind: 'browse' } as const,
          message: { tone: 'info' as const, text: `${mode.action} ${mode.target}…` },
        };
        const action = mode.action;
        switch (action) {
          case 'approve':
          case 'reject':
            return emit(next, { kind: action, proposalId: mode.target, comment: mode.comment });
          case 'promote':
            return emit(next, { kind: 'promote', proposalId: mode.target });
          case 'rollback':
            return emit(next, { kind: 'rollback', policyName: mode.target });
          default:
            return checkExhaustive(action);
        }
      }
      if (k.input === 'n' || k.input === 'N' || k.escape) return info({ ...s, mode: { kind: 'browse' } }, `${mode.action} cancelled`);
      return s;
    }
    default:
      return checkExhaustive(mode);
  }
}

export function reduce(s: DashboardState, e: DashboardEvent): DashboardState {
  switch (e.type) {
    case 'key':
      return onKey(s, e.key);
    case 'tick': {
      const screen = currentScreen(s);
      if (screen.kind === 'runs') return emitOnce(s, { kind: 'load-runs' });
      if (screen.kind === 'run' && isLive(s.run?.run.status)) return emitOnce(s, { kind: 'load-run', runId: screen.runId });
      if (screen.kind === 'promotions') return emitOnce(s, { kind: 'load-promotions' });
      return s;
    }
    case 'resize':
      return { ...s, size: { columns: e.columns, rows: e.rows } };
    case 'runs-loaded': {
      const n = e.data.runs.length;
      return { ...done(s, 'load-runs'), runs: e.data, cursor: { ...s.cursor, runs: Math.max(0, Math.min(n - 1, s.cursor.runs)) } };
    }
    case 'run-loaded': {
      const screen = currentScreen(s);
      const next = done(s, 'load-run');
      return screen.kind === 'run' && screen.runId === e.data.run.runId
        ? { ...next, run: e.data, runStats: computeRunDetailStats(e.data) }
        : next;
    }
    case 'proposal-loaded': {
      const screen = currentScreen(s);
      const next = done(s, 'load-proposal');
      return screen.kind === 'proposal' && screen.proposalId === e.data.id ? { ...next, proposal: e.data } : next;
    }
    case 'promotions-loaded': {
      const n = e.data.policies.length;
      return {
        ...done(s, 'load-promotions'),
        promotions: e.data,
        cursor: { ...s.cursor, promotions: Math.max(0, Math.min(n - 1, s.cursor.promotions)) },
      };
    }
    case 'load-failed':
      return info(done(s, e.what), e.message, 'error');
    case 'action-done': {
      const actions = ['approve', 'reject', 'promote', 'rollback'] as const;
      const cleared = { ...s, inflight: s.inflight.filter((k) => !(actions as readonly string[]).includes(k)) };
      return reload(info(cleared, e.message));
    }
    case 'action-failed': {
      const actions = ['approve', 'reject', 'promote', 'rollback'] as const;
      const cleared = { ...s, inflight: s.inflight.filter((k) => !(actions as readonly string[]).includes(k)) };
      return reload(info(cleared, e.message, 'error'));
    }
    default:
      return checkExhaustive(e);
  }
}
