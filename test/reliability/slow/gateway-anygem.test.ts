import { afterAll, beforeAll, expect, it } from 'vitest';
import { FLASH, LITE, load, serveFixture, type Served } from '../../e2e/gateway-fixture.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';

/**
 * The full count: `policy/anygem` called 20,000 times through `routelab serve` by the
 * official openai client → 75% ± 1.5% answered by gemini-2.0-flash (about 5 binomial standard
 * deviations). Minutes on a loaded machine, hence here; test/e2e/gateway.test.ts runs 3,200 calls.
 * Logging back stays on, as in production, into Postgres.
 */
let store: TestStore;
let s: Served;
beforeAll(async () => {
  store = await openTestStore('postgres');
  s = await serveFixture(store);
});
afterAll(async () => {
  await s.gateway.close();
  await store.cleanup();
});

it(
  'policy/anygem 20,000 times: 75% ± 1.5% from gemini-2.0-flash, every call answered',
  async () => {
    const N = Number(process.env.GATEWAY_ANYGEM_CALLS ?? 20_000);
    const models = await load(
      N,
      64,
      async (i) =>
        (await s.client.chat.completions.create({ model: 'policy/anygem', messages: [{ role: 'user', content: `question ${i}` }] })).model,
    );
    expect(models.length).toBe(N);
    expect(models.filter((m) => m !== FLASH && m !== LITE)).toEqual([]);
    expect(Math.abs(models.filter((m) => m === FLASH).length / N - 0.75)).toBeLessThanOrEqual(0.015);
    await s.gateway.trafficLog?.flush();
    expect(s.gateway.trafficLog?.stats()).toMatchObject({ written: N, dropped: 0 });
  },
  15 * 60_000,
);
