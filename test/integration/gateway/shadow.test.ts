import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shadowOutcomes } from '../../../src/store/schema/gateway.js';
import { FLASH, LITE, load, seedPolicy, serveFixture, type Served } from '../../e2e/gateway-fixture.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';

describe('serve --shadow VARIANT --shadow-rate R', () => {
  let store: TestStore;
  let s: Served;
  beforeAll(async () => {
    store = await openTestStore('pglite');
    const firstgem = seedPolicy('firstgem');
    // The candidate: firstgem with its targets swapped.
    const candidate = { ...firstgem, policy: { ...firstgem.policy, targets: [{ model_name: LITE }, { model_name: FLASH }] } };
    s = await serveFixture(store, { shadow: { spec: candidate, rate: 0.5, label: 'firstgem-swapped.yaml', maxInFlight: 1000 } });
  });
  afterAll(async () => {
    await s.gateway.close();
    await store.cleanup();
  });

  it('copies about R of the live requests to the variant after answering, and stores what it did', async () => {
    const live = await load(
      120,
      8,
      async (i) =>
        (await s.client.chat.completions.create({ model: 'policy/firstgem', messages: [{ role: 'user', content: `s${i}` }] })).model,
    );
    expect(new Set(live)).toEqual(new Set([FLASH]));
    // Other policies are never shadowed.
    await s.client.chat.completions.create({ model: 'policy/anygem', messages: [{ role: 'user', content: 'not shadowed' }] });
    // Closing drains the shadow calls still running.
    await s.gateway.close();
    const rows = await store.db.select().from(shadowOutcomes);
    expect(rows.length).toBeGreaterThan(35);
    expect(rows.length).toBeLessThan(85);
    expect(new Set(rows.map((r) => [r.policy, r.variant, r.servedBy, r.liveServedBy, r.status].join(' ')))).toEqual(
      new Set([`firstgem firstgem-swapped.yaml ${LITE} ${FLASH} 200`]),
    );
    // Each outcome points at the served request's traffic record, which is stored.
    const ids = new Set((await store.rows<{ id: string }>(sql`select id from traffic`)).map((r) => r.id));
    expect(rows.every((r) => ids.has(r.trafficId))).toBe(true);
  });
});
