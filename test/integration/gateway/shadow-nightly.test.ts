import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shadowComparisons } from '../../../src/app/shadow-comparison.js';
import { main } from '../../../src/cli/main.js';
import { FLASH, LITE, load, seedPolicy, serveFixture } from '../../e2e/gateway-fixture.js';
import { testContext } from '../../helpers/cli-context.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';

/**
 * Shadow outcomes are for the next nightly: its report compares each shadow variant with what the
 * live policy served for the same requests (success, latency, cost, same model), and its report
 * step says so in one line.
 */
describe('the nightly reads shadow_outcomes', () => {
  let store: TestStore;
  let dir: string;
  const N = 30;
  beforeAll(async () => {
    store = await openTestStore('pglite');
    dir = mkdtempSync(join(tmpdir(), 'routelab-shadow-nightly-'));
    const firstgem = seedPolicy('firstgem');
    // The candidate answers from flash-lite (cheaper) where firstgem answers from flash.
    const candidate = { ...firstgem, policy: { ...firstgem.policy, targets: [{ model_name: LITE }, { model_name: FLASH }] } };
    const s = await serveFixture(store, { shadow: { spec: candidate, rate: 1, label: 'lite-first.yaml', maxInFlight: 1000 } });
    await load(N, 4, (i) => s.client.chat.completions.create({ model: 'policy/firstgem', messages: [{ role: 'user', content: `n${i}` }] }));
    // Closing drains the shadow calls and writes the traffic log.
    await s.gateway.close();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await store.cleanup();
  });

  it('the nightly report shows the shadow variant beside the served policy', async () => {
    const sample = testContext(store);
    expect(await main(['node', 'routelab', 'traffic', 'sample', '--name', 'served', '--size', '10', '--seed', '1'], sample)).toBe(0);
    const night = testContext(store);
    const code = await main(
      ['node', 'routelab', 'run', '--policy', 'firstgem', '--sample', 'served', '--seed', '1', '--nightly', '--report-dir', dir, '--json'],
      night,
    );
    expect(night.err()).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(night.out()) as { run_id: string; created_at?: string; steps: Array<{ step: string; detail: string | null }> };
    const reportStep = out.steps.find((st) => st.step === 'report');
    expect(reportStep?.detail).toMatch(new RegExp(`shadow lite-first\\.yaml: ${N} req, 2xx 100\\.0% vs 100\\.0% served`));

    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(report).toContain('## Shadow traffic');
    expect(report).toContain(`Shadow variant **lite-first.yaml** was sent copies of ${N} live request(s) to firstgem`);
    expect(report).toMatch(/\| answered \(2xx\) \| 100\.0% \| 100\.0% \|/);
    // firstgem served every request from flash; the variant answered from flash-lite.
    expect(report).toMatch(/\| answered by the same model as served \| \| 0\.0% \|/);
    // After the regressions, before the run's own sections.
    expect(report.indexOf('## Regressions')).toBeLessThan(report.indexOf('## Shadow traffic'));
    expect(report.indexOf('## Shadow traffic')).toBeLessThan(report.indexOf('## Variants'));

    // The figures behind it: the same requests on both sides, flash-lite cheaper than flash.
    const [c] = await shadowComparisons(store.db, 'firstgem', new Date(Date.now() + 1000));
    expect(c).toMatchObject({ variant: 'lite-first.yaml', requests: N, shadow_ok: N, live_ok: N, same_model: 0, cost_pairs: N });
    expect(c?.shadow_cost_usd).toBeLessThan(c?.live_cost_usd ?? 0);
    // Outcomes of another policy, or older than the window, are not this nightly's.
    expect(await shadowComparisons(store.db, 'anygem', new Date(Date.now() + 1000))).toEqual([]);
    expect(await shadowComparisons(store.db, 'firstgem', new Date(Date.now() - 48 * 3600_000))).toEqual([]);
  });
});
