import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRun } from '../../../src/jobs/create-run.js';
import { planRun } from '../../../src/jobs/plan-run.js';
import { getRun } from '../../../src/store/repos/run-repo.js';
import { createSample } from '../../../src/app/create-sample.js';
import { importTraffic } from '../../../src/traffic/import.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';
import { seedDemo } from './fixtures.js';

const line = (i: number, failed: boolean) =>
  JSON.stringify({
    timestamp: `2026-11-20T08:0${i}:00Z`,
    metadata: { intent: 'support' },
    request: { model: 'policy/support-assistant', messages: [{ role: 'user', content: `Where is my order #55${i}?` }] },
    ...(failed
      ? { status_code: 503, error: { code: 503, message: 'overloaded' }, response: { error: { message: 'overloaded' } } }
      : {
          response: {
            id: `c${i}`,
            object: 'chat.completion',
            created: 1763626502,
            model: 'gpt-4o-mini',
            choices: [{ index: 0, message: { role: 'assistant', content: `Order #55${i} shipped yesterday.` }, finish_reason: 'stop' }],
          },
        }),
  });

describe('a sampled request with nothing to score against', () => {
  let store: TestStore | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await store?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is left out of a run without a golden set, and the run says so', async () => {
    store = await openTestStore('pglite');
    await seedDemo(store.db, { goldenCases: 1 });
    dir = mkdtempSync(join(tmpdir(), 'routelab-unscorable-'));
    const file = join(dir, 'traffic.jsonl');
    writeFileSync(file, `${[line(1, false), line(2, true), line(3, false)].join('\n')}\n`);
    const imported = await importTraffic(store, [file]);
    expect(imported.imported).toBe(3);
    await createSample(store.db, { name: 'all', size: 3, seed: 's' });

    const { run_id } = await createRun(
      store.db,
      { policy: 'support-assistant', source: { kind: 'sample', name: 'all' } },
      { clock: { now: () => Date.parse('2026-11-21T00:00:00Z') } },
    );
    await planRun(store.db, run_id);
    const run = await getRun(store.db, run_id);
    // Two cases carry the answer production gave as their reference; the failed call carries none.
    expect(run?.pairs).toBe(2 * 3);
    expect(run?.notes).toContain('1 sampled case(s) had no golden match and no original response to compare with: left out');
  });
});
