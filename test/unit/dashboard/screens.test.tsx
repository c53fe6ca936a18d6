import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { Frame } from '../../../src/dashboard/frame.js';
import { reduce } from '../../../src/dashboard/state/reducer.js';
import { initialState, type DashboardState } from '../../../src/dashboard/state/state.js';
import type { DashboardEvent } from '../../../src/dashboard/state/events.js';
import { promotionsData, proposalData, runDetailData, runsData } from './fixtures.js';

afterEach(() => cleanup());

const size = { columns: 80, rows: 24 };

function fold(events: DashboardEvent[], s: DashboardState = initialState(size)): DashboardState {
  return events.reduce(reduce, s);
}

const key = (input: string, extra: Record<string, boolean> = {}): DashboardEvent => ({ type: 'key', key: { input, ...extra } });

function frame(state: DashboardState, color = false): string {
  const { lastFrame } = render(<Frame state={state} color={color} />);
  return lastFrame() ?? '';
}

/** Every line fits 80 columns and the frame fits 24 rows. */
function expectFits(f: string, rows = 24, columns = 80) {
  const lines = f.split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows);
  for (const l of lines) expect([...l].length).toBeLessThanOrEqual(columns);
}

const runsState = () => fold([{ type: 'runs-loaded', data: runsData() }]);
const runState = () => fold([key('j'), key('', { enter: true }), { type: 'run-loaded', data: runDetailData() }], runsState());
const proposalState = () => fold([key('', { enter: true }), { type: 'proposal-loaded', data: proposalData() }], runState());

describe('Runs screen', () => {
  it('lists date, policy, status with live progress, coverage, cost and a waiting proposal', () => {
    const f = frame(runsState());
    expectFits(f);
    expect(f).toContain('routelab · Runs');
    expect(f).toMatch(/date \(UTC\)\s+policy\s+status\s+coverage\s+cost\s+proposal/);
    expect(f).toContain('running ██░░ 45%');
    expect(f).toContain('98.5%');
    expect(f).toContain('● waiting');
    expect(f).toContain('› 2026-11-21 02:00');
  });

  it('shows traffic text only after sanitizing: no escape sequence or bidi override reaches the terminal', () => {
    const f = frame(fold([{ type: 'resize', columns: 140, rows: 24 }], runsState()));
    expect(f).not.toMatch(/[\x1b\x07\u202e]/);
    expect(f).toContain('supportevillink');
  });

  it('moves the selection with j and says so without colour', () => {
    const f = frame(fold([key('j')], runsState()));
    expect(f).toContain('› 2026-11-20 02:00');
  });

  it('shows how to start when there are no runs', () => {
    expect(frame(fold([{ type: 'runs-loaded', data: { runs: [] } }]))).toContain('No runs yet');
  });
});

describe('Run detail screen', () => {
  it('shows the scoreboard: models × segments with quality ± CI, pass rate, cost/1k, p95, errors', () => {
    const f = frame(runState());
    expectFits(f);
    expect(f).toContain('run run_0001');
    expect(f).toContain('[Scoreboard]');
    expect(f).toMatch(/model\s+intent\s+n\s+quality±CI\s+pass\s+\$\/1k\s+p95\s+err/);
    expect(f).toMatch(/model-a\s+all\s+40\s+0\.\d{3}±0\.\d{3}/);
    expect(f).toMatch(/billing\s+20/);
    expect(f).toContain('⏎ proposal prop_1: pending');
  });

  it('tab shows the variants against the baseline with a textual significance mark', () => {
    const f = frame(fold([key('', { tab: true })], runState()));
    expectFits(f);
    expect(f).toContain('[Variants]');
    expect(f).toContain('(baseline)');
    expect(f).toMatch(/premium\s+0\.\d{3}\s+[+-]0\.\d{3} \[[+-]0\.\d{2},[+-]0\.\d{2}\]\s+(▲ better \*|= n\.s\.|▼ worse \*)/);
  });

  it('the chart pane plots models and variants with the frontier marked', () => {
    const f = frame(fold([key('', { tab: true }), key('', { tab: true })], runState()));
    expectFits(f);
    expect(f).toContain('[Chart]');
    expect(f).toContain('cost per 1k requests');
    expect(f).toMatch(/│.*A/);
    expect(f).toMatch(/│.*2/);
    expect(f).toContain('◆');
    expect(f).not.toMatch(/[\x1b\u202e]/);
  });

  it('scrolls a long pane with j and clamps at the end', () => {
    const diffPane = fold(
      Array.from({ length: 4 }, () => key('', { tab: true })),
      proposalState(),
    );
    const s = fold(
      Array.from({ length: 200 }, () => key('j')),
      diffPane,
    );
    expect(s.scroll).toBeGreaterThan(0);
    const back = fold([key('k')], s);
    expect(back.scroll).toBe(s.scroll - 1);
    expect(frame(s)).toContain('↑');
  });

  it('shows every pane at once on a tall, wide terminal', () => {
    const tall = fold([{ type: 'resize', columns: 140, rows: 90 }], runState());
    const f = frame(tall);
    expect(f).toContain('▸ Scoreboard');
    expect(f).toContain('▸ Variants');
    expect(f).toContain('▸ Chart');
  });
});

describe('Proposal screen', () => {
  it('shows current vs proposed weights as bars with the change', () => {
    const f = frame(proposalState());
    expectFits(f);
    expect(f).toContain('proposal prop_1');
    expect(f).toContain('status: pending');
    expect(f).toMatch(/model-a\s+█+░+\s+50%\s+█+░*\s+80%\s+\+30\.0pp/);
    expect(f).toMatch(/model-b.*50%.*20%\s+-30\.0pp/);
  });

  it('rules, impact with CIs, rationale and the exact diff are one tab away each', () => {
    let s = fold([key('', { tab: true })], proposalState());
    expect(frame(s)).toMatch(/1\. billing\s+when \{"metadata.intent":\{"\$eq":"billing"\}\}/);
    s = fold([key('', { tab: true })], s);
    const impact = frame(s);
    expect(impact).toMatch(/current v1\s+0\.760±0\.050/);
    expect(impact).toMatch(/proposed\s+0\.790±0\.050/);
    expect(impact).toContain('Δ quality +0.030 [+0.010, +0.050] p=0.004  ▲ better *');
    s = fold([key('', { tab: true })], s);
    const rationale = frame(s);
    expect(rationale).toContain('• model-a is 15 points better on tech.');
    expect(rationale).not.toMatch(/[\x1b\x07\u202e]/);
    s = fold([key('', { tab: true })], s);
    const diff = frame(s);
    expect(diff).toMatch(/^-\s+weight: 0\.5$/m);
    expect(diff).toMatch(/^\+\s+weight: 0\.8$/m);
    expect(diff).toContain('+   rules:');
  });

  it('warns when the proposal is stale', () => {
    const s = fold([{ type: 'proposal-loaded', data: proposalData({ activeVersion: 3 }) }], proposalState());
    expect(frame(s)).toContain('! stale: version 3 is active now');
  });

  it('asks for a comment, then confirmation, before approving', () => {
    let s = fold([key('a')], proposalState());
    expect(frame(s)).toContain('approve prop_1 — comment');
    s = fold(
      [...'fine'].map((c) => key(c)),
      s,
    );
    expect(frame(s)).toContain('comment (⏎ next, esc cancel): fine▌');
    s = fold([key('', { enter: true })], s);
    expect(frame(s)).toContain('approve prop_1 “fine”? [y/n]');
  });
});

describe('Promotions screen', () => {
  it('shows policies and the history of the selected one: who, when, comment, from → to', () => {
    const s = fold([key('', { tab: true }), { type: 'promotions-loaded', data: promotionsData() }], runsState());
    const f = frame(s);
    expectFits(f);
    expect(f).toContain('routelab · Promotions');
    expect(f).toMatch(/› support-router\s+v2\s+2/);
    expect(f).toMatch(/2026-11-21 09:00\s+promote\s+v1 → v2\s+aliceevillink\s+ship it/);
    expect(f).not.toMatch(/[\x1b\x07\u202e]/);
  });

  it('b asks before rolling back the selected policy', () => {
    const s = fold([key('', { tab: true }), { type: 'promotions-loaded', data: promotionsData() }, key('b')], runsState());
    expect(frame(s)).toContain('roll back support-router to its previous version? [y/n]');
  });
});

describe('help and colour', () => {
  it('? shows every key', () => {
    const f = frame(fold([key('?')], runsState()));
    for (const k of ['j k', 'enter', 'esc', 'tab', 'approve', 'reject', 'promote', 'quit']) expect(f).toContain(k);
  });

  it('with colour on, facts are still in the text; with colour off there is no ANSI at all', () => {
    const plain = frame(proposalState(), false);
    expect(plain).not.toMatch(/\x1b\[/);
    const coloured = frame(proposalState(), true);
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
  });
});
