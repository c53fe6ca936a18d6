import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { createTrendsSource } from '../../../src/dashboard/trends/run-trends-dashboard.js';
import { TrendsApp } from '../../../src/dashboard/trends/trends-app.js';
import { buildRunsView } from '../../../src/dashboard/view/runs-view.js';
import { lineText } from '../../../src/dashboard/view/styled-line.js';
import { loadRuns } from '../../../src/dashboard/data/load-runs.js';
import { recordNightlyStep } from '../../../src/app/nightly-steps.js';
import { completion } from '../../helpers/fault-server.js';
import { driftEndpoint } from './drift-endpoint.js';
import { askedNumber, runNight, seedDrift } from './fixtures.js';

const NIGHT = 86_400_000;
const T0 = Date.parse('2026-11-21T02:00:00Z');

describe('dashboard trends screen over PGlite', () => {
  let wrong = false;
  const env = driftEndpoint(
    'pglite',
    (req) => ({ kind: 'json', status: 200, body: completion(wrong ? 'lost it' : askedNumber(req.body), { model: 'drift/m' }) }),
    () => {
      wrong = false;
    },
  );
  // Registered after the endpoint's hooks, so (after-hooks run in reverse) ink is cleaned up first.
  afterEach(() => {
    cleanup();
  });

  it('lists the regression first, sparklines per metric, and drills down to the two runs and their differing cases', async () => {
    const seeded = await seedDrift(env.store.db, env.server.baseUrl, { cases: 24 });
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      wrong = n === 4;
      ids.push((await runNight(env.store.db, env.chat, seeded, { at: T0 + n * NIGHT, seed: `n${n}`, refresh_rate: 1 })).run_id);
    }
    const r = render(<TrendsApp source={createTrendsSource(env.store.db)} size={{ columns: 80, rows: 24 }} color={false} />);
    await expect.poll(() => r.lastFrame() ?? '').toContain('REGRESSION');
    const frame = r.lastFrame() ?? '';
    const lines = frame.split('\n');
    // The regression row comes before any sparkline row, and is selected first.
    const reg = lines.findIndex((l) => l.includes('▼ REGRESSION drift/m · all · quality −1.000'));
    const spark = lines.findIndex((l) => /drift\/m\s+quality\s+[▁-█]{4}/.test(l));
    expect(reg).toBeGreaterThanOrEqual(0);
    expect(spark).toBeGreaterThan(reg);
    expect(lines[reg]).toMatch(/^› /);
    expect(frame).toMatch(/drift\/m\s+errors\s+/);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);

    r.stdin.write('\r');
    await expect.poll(() => r.lastFrame() ?? '').toContain('case(s) differ');
    const drill = r.lastFrame() ?? '';
    expect(drill).toContain(`drift/m: ${ids[2]} → ${ids[3]}`);
    expect(drill).toMatch(/q\d+ 1\.00 → 0\.00/);
    expect(drill).toContain('B: lost it');
    r.stdin.write('\u001b');
    await expect.poll(() => r.lastFrame() ?? '').toContain('REGRESSION');
  });

  it('the runs screen marks a run whose nightly step failed', async () => {
    const seeded = await seedDrift(env.store.db, env.server.baseUrl, { cases: 4 });
    const run = await runNight(env.store.db, env.chat, seeded, { at: T0, seed: 'x' });
    await recordNightlyStep(env.store.db, run.run_id, 'report', 'failed', 'disk full', { now: () => T0 });
    const view = buildRunsView(await loadRuns(env.store.db), 80);
    expect(lineText(view.rows[0] ?? [])).toContain('completed ✗report');
  });
});
