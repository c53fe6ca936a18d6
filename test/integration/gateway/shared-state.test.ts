import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import { startGateway, type Gateway } from '../../../src/gateway/gateway.js';
import { upsertModels } from '../../../src/store/repos/catalog-repo.js';
import { createGatewayKey } from '../../../src/store/repos/gateway-key-repo.js';
import { addPolicyVersion } from '../../../src/store/repos/policy-repo.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../../helpers/redis.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';
import { FLASH, geminiCatalog, LITE, load, openaiClient } from '../../e2e/gateway-fixture.js';
import { HANG_MS } from '../../helpers/waits.js';

const policy = (name: string, body: PolicySpec['policy']): PolicySpec => ({ spec_version: 'v1', kind: 'model', name, policy: body });
const PRICE = { in: 100 / 1e6, out: 400 / 1e6 };

/** Two gateway instances sharing one Redis behave as one: one rotation, one budget. */
describe('two gateways sharing Redis', () => {
  let store: TestStore;
  let prefix: string;
  let a: Gateway;
  let b: Gateway;
  let ca: OpenAI;
  let cb: OpenAI;
  beforeAll(async () => {
    store = await openTestStore('postgres');
    prefix = testPrefix();
    await upsertModels(store.db, geminiCatalog());
    await addPolicyVersion(
      store.db,
      policy('spend', {
        strategy: { mode: 'single' },
        targets: [{ model_name: FLASH }],
        budget: { max_spend_usd: { limit: 0.2, period: 'daily' } },
      }),
      { sourceFormat: 'watsonx', origin: 'add' },
    );
    await addPolicyVersion(
      store.db,
      policy('count', {
        strategy: { mode: 'single' },
        targets: [{ model_name: LITE }],
        budget: { max_requests: { limit: 25, period: 'hourly' } },
      }),
      { sourceFormat: 'watsonx', origin: 'add' },
    );
    await addPolicyVersion(
      store.db,
      policy('rotate', { strategy: { mode: 'round_robin' }, targets: [{ model_name: FLASH }, { model_name: LITE }] }),
      { sourceFormat: 'watsonx', origin: 'add' },
    );
    const { key } = await createGatewayKey(store.db, { name: 'shared', policies: [], projects: [] });
    const start = () => startGateway({ store, env: {}, port: 0, redisUrl: REDIS_URL, redisPrefix: prefix, logTraffic: false });
    [a, b] = await Promise.all([start(), start()]);
    [ca, cb] = [openaiClient(a, key), openaiClient(b, key)];
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await dropPrefix(prefix);
    await store.cleanup();
  });

  it('round robin rotates once across both instances', async () => {
    const served: string[] = [];
    for (let i = 0; i < 8; i++)
      served.push(
        (await (i % 2 ? cb : ca).chat.completions.create({ model: 'policy/rotate', messages: [{ role: 'user', content: `r${i}` }] })).model,
      );
    expect(served).toEqual([FLASH, LITE, FLASH, LITE, FLASH, LITE, FLASH, LITE]);
  });

  it('a spend budget holds across instances: overspend at most one in-flight request per instance', async () => {
    const costs: number[] = [];
    const until429 = async (client: OpenAI) => {
      for (let i = 0; ; i++) {
        try {
          const r = await client.chat.completions.create({ model: 'policy/spend', messages: [{ role: 'user', content: `spend ${i}` }] });
          costs.push((r.usage?.prompt_tokens ?? 0) * PRICE.in + (r.usage?.completion_tokens ?? 0) * PRICE.out);
        } catch (e) {
          expect(e).toMatchObject({ status: 429, code: 'budget_exceeded' });
          return;
        }
      }
    };
    await Promise.all([until429(ca), until429(cb)]);
    const spent = costs.reduce((x, y) => x + y, 0);
    expect(spent).toBeGreaterThanOrEqual(0.2);
    expect(spent - 0.2).toBeLessThan(2 * Math.max(...costs));
  });

  it('a request budget is exact under concurrency on both instances', async () => {
    const outcomes = await load(80, 16, async (i) =>
      (i % 2 ? cb : ca).chat.completions.create({ model: 'policy/count', messages: [{ role: 'user', content: `c${i}` }] }).then(
        () => 'ok',
        (e: { code?: string }) => e.code ?? 'error',
      ),
    );
    expect(outcomes.filter((o) => o === 'ok').length).toBe(25);
    expect(new Set(outcomes.filter((o) => o !== 'ok'))).toEqual(new Set(['budget_exceeded']));
  });

  it('a new active version is served by every instance within a second', async () => {
    await addPolicyVersion(store.db, policy('rotate', { strategy: { mode: 'single' }, targets: [{ model_name: LITE }] }), {
      sourceFormat: 'watsonx',
      origin: 'promote',
    });
    const version = async (client: OpenAI) =>
      (
        await client.chat.completions.create({ model: 'policy/rotate', messages: [{ role: 'user', content: 'v' }] }).withResponse()
      ).response.headers.get('x-routelab-policy-version');
    // vi.waitFor's default timeout is 1 s.
    await vi.waitFor(async () => expect([await version(ca), await version(cb)]).toEqual(['rotate@2', 'rotate@2']), { timeout: HANG_MS });
  });
});
