import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLASH, load, serveFixture, type Served } from '../../e2e/gateway-fixture.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';

/** Against a fleet that takes about 200 ms per answer, so requests are really in flight. */
describe('gateway limits and shutdown', () => {
  let store: TestStore;
  let s: Served;
  beforeEach(async () => {
    store = await openTestStore('pglite');
  });
  afterEach(async () => {
    await s.gateway.close();
    await store.cleanup();
  });

  it('close() lets requests in flight finish, refuses new ones, and writes their traffic', async () => {
    s = await serveFixture(store, { fleet: 'fleet-slow.yaml' });
    const inFlight = Array.from({ length: 6 }, (_, i) =>
      s.client.chat.completions.create({ model: 'policy/firstgem', messages: [{ role: 'user', content: `drain ${i}` }] }),
    );
    // The gateway has them all before it is told to stop.
    await expect.poll(() => s.gateway.inFlight()).toBe(6);
    const closing = s.gateway.close();
    const answers = await Promise.all(inFlight);
    await closing;
    expect(answers.map((a) => a.model)).toEqual(Array(6).fill(FLASH));
    await expect(fetch(`${s.gateway.url}/healthz`)).rejects.toThrow();
    expect(await store.rows<{ n: number }>(sql`select count(*)::int as n from traffic`)).toEqual([{ n: 6 }]);
  });

  it('past --max-in-flight, a request gets 503 with Retry-After instead of queueing', async () => {
    s = await serveFixture(store, { fleet: 'fleet-slow.yaml', maxInFlight: 2, logTraffic: false });
    const statuses = await load(12, 12, async (i) => {
      const r = await fetch(`${s.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'policy/firstgem', messages: [{ role: 'user', content: `bp ${i}` }] }),
      });
      if (r.status === 503) {
        expect(r.headers.get('retry-after')).toBe('1');
        expect(await r.json()).toMatchObject({ error: { code: 'overloaded' } });
      } else await r.text();
      return r.status;
    });
    expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((x) => x === 503).length).toBeGreaterThan(0);
    expect(statuses.every((x) => x === 200 || x === 503)).toBe(true);
  });
});
