import { describe, expect, it } from 'vitest';
import { maxScroll, proposalTarget, reduce } from '../../../src/dashboard/state/reducer.js';
import { currentScreen, initialState, type DashboardState } from '../../../src/dashboard/state/state.js';
import type { DashboardEvent } from '../../../src/dashboard/state/events.js';
import { promotionsData, proposalData, runDetailData, runsData } from './fixtures.js';

const fold = (events: DashboardEvent[], s: DashboardState = initialState({ columns: 80, rows: 24 })) => events.reduce(reduce, s);
const key = (input: string, extra: Record<string, boolean> = {}): DashboardEvent => ({ type: 'key', key: { input, ...extra } });
const kinds = (s: DashboardState) => s.commands.map((c) => c.kind);
const loaded = () => fold([{ type: 'runs-loaded', data: runsData() }]);

describe('dashboard reducer', () => {
  it('starts by loading the runs', () => {
    const s = initialState({ columns: 80, rows: 24 });
    expect(kinds(s)).toEqual(['load-runs']);
    expect(s.inflight).toEqual(['load-runs']);
  });

  it('polls on tick without piling requests up while one is in flight', () => {
    const s = fold([{ type: 'tick' }, { type: 'tick' }]);
    expect(kinds(s)).toEqual(['load-runs']);
    const after = fold([{ type: 'runs-loaded', data: runsData() }, { type: 'tick' }], s);
    expect(kinds(after)).toEqual(['load-runs', 'load-runs']);
  });

  it('j / k and arrows move the selection within bounds; enter opens the run; esc goes back', () => {
    let s = fold([key('j'), key('j'), key('j')], loaded());
    expect(s.cursor.runs).toBe(1);
    s = fold([key('', { up: true }), key('', { down: true })], s);
    expect(s.cursor.runs).toBe(1);
    s = fold([key('', { enter: true })], s);
    expect(currentScreen(s)).toEqual({ kind: 'run', runId: 'run_0001' });
    expect(s.commands.at(-1)).toMatchObject({ kind: 'load-run', runId: 'run_0001' });
    s = fold([key('', { escape: true })], s);
    expect(currentScreen(s)).toEqual({ kind: 'runs' });
  });

  it('polls a running run but not a finished one', () => {
    const live = { ...runDetailData(), run: { ...runDetailData().run, status: 'running' } };
    let s = fold([key('', { enter: true }), { type: 'run-loaded', data: { ...live, run: { ...live.run, runId: 'run_live' } } }], loaded());
    const before = s.commands.length;
    s = fold([{ type: 'tick' }], s);
    expect(s.commands.length).toBe(before + 1);
    expect(s.commands.at(-1)?.kind).toBe('load-run');
    let done = fold([key('j'), key('', { enter: true }), { type: 'run-loaded', data: runDetailData() }], loaded());
    const n = done.commands.length;
    done = fold([{ type: 'tick' }], done);
    expect(done.commands.length).toBe(n);
  });

  it('ignores a load that arrives after the reviewer moved on', () => {
    const s = fold(
      [key('j'), key('', { enter: true }), key('', { escape: true }), { type: 'run-loaded', data: runDetailData() }],
      loaded(),
    );
    expect(s.run).toBeNull();
    expect(s.inflight).not.toContain('load-run');
  });

  it('approve: comment, then confirmation, then exactly one approve command', () => {
    let s = fold([key('j'), key('a')], loaded());
    expect(s.mode).toMatchObject({ kind: 'comment', action: 'approve', proposalId: 'prop_1' });
    s = fold([key('o'), key('k'), key('x'), key('', { backspace: true }), key('\x1b[31m'), key('', { enter: true })], s);
    expect(s.mode).toEqual({ kind: 'confirm', action: 'approve', target: 'prop_1', comment: 'ok[31m' });
    s = fold([key('y')], s);
    expect(s.mode.kind).toBe('browse');
    expect(s.commands.at(-1)).toMatchObject({ kind: 'approve', proposalId: 'prop_1', comment: 'ok[31m' });
  });

  it('esc or n cancels without a command', () => {
    const base = fold([key('j')], loaded());
    const n = base.commands.length;
    expect(fold([key('a'), key('', { escape: true })], base).commands.length).toBe(n);
    expect(fold([key('r'), key('', { enter: true }), key('n')], base).commands.length).toBe(n);
    expect(fold([key('r'), key('', { enter: true }), key('n')], base).message?.text).toBe('reject cancelled');
  });

  it('refuses to approve what is not pending and to promote what is not approved, saying why', () => {
    const s = fold([key('p')], fold([key('j')], loaded()));
    expect(s.mode.kind).toBe('browse');
    expect(s.message).toEqual({ tone: 'error', text: 'proposal prop_1 is pending; only an approved one can be promoted' });
    const none = fold([key('a')], loaded());
    expect(none.message?.text).toBe('no proposal here to review');
  });

  it('promote on an approved proposal asks, then emits promote; the result reloads the screen', () => {
    let s = fold([key('j'), key('', { enter: true }), { type: 'run-loaded', data: runDetailData() }, key('', { enter: true })], loaded());
    s = fold([{ type: 'proposal-loaded', data: proposalData({ status: 'approved' }) }], s);
    expect(proposalTarget(s)).toEqual({ id: 'prop_1', status: 'approved' });
    s = fold([key('p')], s);
    expect(s.mode).toMatchObject({ kind: 'confirm', action: 'promote' });
    s = fold([key('y')], s);
    expect(s.commands.at(-1)).toMatchObject({ kind: 'promote', proposalId: 'prop_1' });
    s = fold([{ type: 'action-failed', message: 'stale: version 2 is active now' }], s);
    expect(s.message).toEqual({ tone: 'error', text: 'stale: version 2 is active now' });
    expect(s.commands.at(-1)).toMatchObject({ kind: 'load-proposal' });
    expect(s.inflight).not.toContain('promote');
  });

  it('tab moves between panes, and between runs and promotions at the top', () => {
    let s = fold([key('', { tab: true })], loaded());
    expect(currentScreen(s).kind).toBe('promotions');
    s = fold([{ type: 'promotions-loaded', data: promotionsData() }, key('j'), key('b'), key('y')], s);
    expect(s.commands.at(-1)).toMatchObject({ kind: 'rollback', policyName: 'triage' });
    s = fold([key('', { tab: true })], s);
    expect(currentScreen(s).kind).toBe('runs');
    let p = fold([key('j'), key('', { enter: true }), { type: 'run-loaded', data: runDetailData() }], loaded());
    p = fold([key('', { tab: true }), key('', { tab: true }), key('', { tab: true })], p);
    expect(p.pane).toBe(0);
    p = fold([key('', { tab: true, shift: true })], p);
    expect(p.pane).toBe(2);
  });

  it('scroll is clamped to the focused pane', () => {
    let s = fold(
      [
        key('j'),
        key('', { enter: true }),
        { type: 'run-loaded', data: runDetailData() },
        key('', { enter: true }),
        { type: 'proposal-loaded', data: proposalData() },
      ],
      loaded(),
    );
    s = fold([key('', { tab: true, shift: true })], s);
    const limit = maxScroll(s);
    expect(limit).toBeGreaterThan(0);
    s = fold(
      Array.from({ length: 50 }, () => key('j')),
      s,
    );
    expect(s.scroll).toBe(limit);
  });

  it('? opens help, any key closes it; q quits', () => {
    const s = fold([key('?')], loaded());
    expect(s.mode.kind).toBe('help');
    expect(fold([key('x')], s).mode.kind).toBe('browse');
    expect(fold([key('q')], loaded()).quit).toBe(true);
  });
});
