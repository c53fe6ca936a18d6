import { afterEach, expect, it } from 'vitest';
import { cleanupList } from '../harness.js';
import { redisRestartScenario } from '../redis-outage.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run(), 60_000);

// Minutes-long scenario: run by `npm run test:reliability` only (see ../vitest.slow.config.ts).
it('Redis killed mid-run and back after 15 s: the same worker processes resume and finish the run exactly once', async () => {
  const { check } = await redisRestartScenario(15_000, cleanups, { run: 120_000 });
  expect(check.outcomeRows).toBe(check.plannedPairs);
}, 240_000);
