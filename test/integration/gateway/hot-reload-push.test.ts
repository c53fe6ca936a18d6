import type OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import { startGateway, type Gateway } from '../../../src/gateway/gateway.js';
import { announceServingChange } from '../../../src/gateway/serving-notify.js';
import { upsertModels } from '../../../src/store/repos/catalog-repo.js';
import { createGatewayKey } from '../../../src/store/repos/gateway-key-repo.js';
import { addPolicyVersion } from '../../../src/store/repos/policy-repo.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../../helpers/redis.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';
import { FLASH, geminiCatalog, LITE, openaiClient } from '../../e2e/gateway-fixture.js';

const policy = (targets: string[]): PolicySpec => ({
  spec_version: 'v1',
  kind: 'model',
  name: 'push',
  policy: { strategy: { mode: 'single' }, targets: targets.map((model_name) => ({ model_name })) },
});
// The poll is pushed out of the test's reach: only the announcement can make the gateway reload.
const NO_POLL = 3_600_000;

/** A promote or rollback announced on Postgres NOTIFY or Redis pub/sub is served without waiting for a poll. */
describe('hot reload by push', () => {
  let store: TestStore | undefined;
  let gateway: Gateway | undefined;
  let prefix: string | undefined;
  afterEach(async () => {
    await gateway?.close();
    if (prefix) await dropPrefix(prefix);
    await store?.cleanup();
    [gateway, prefix, store] = [undefined, undefined, undefined];
  });

  const version = async (client: OpenAI) =>
    (
      await client.chat.completions.create({ model: 'policy/push', messages: [{ role: 'user', content: 'v' }] }).withResponse()
    ).response.headers.get('x-routelab-policy-version');

  it('Postgres: NOTIFY on the serving channel reloads the gateway', async () => {
    store = await openTestStore('postgres');
    await upsertModels(store.db, geminiCatalog());
    await addPolicyVersion(store.db, policy([FLASH]), { sourceFormat: 'watsonx', origin: 'add' });
    gateway = await startGateway({ store, env: {}, port: 0, reloadIntervalMs: NO_POLL, logTraffic: false });
    const client = openaiClient(gateway, (await createGatewayKey(store.db, { name: 'push', policies: [], projects: [] })).key);
    expect(await version(client)).toBe('push@1');
    await addPolicyVersion(store.db, policy([LITE]), { sourceFormat: 'watsonx', origin: 'promote' });
    const s = store;
    await announceServingChange({ env: {}, store: async () => s }, 'push');
    await expect.poll(() => version(client)).toBe('push@2');
  });

  it('Redis: a publish on the serving channel reloads the gateway', async () => {
    store = await openTestStore('pglite');
    prefix = testPrefix();
    await upsertModels(store.db, geminiCatalog());
    await addPolicyVersion(store.db, policy([FLASH]), { sourceFormat: 'watsonx', origin: 'add' });
    gateway = await startGateway({
      store,
      env: {},
      port: 0,
      redisUrl: REDIS_URL,
      redisPrefix: prefix,
      reloadIntervalMs: NO_POLL,
      logTraffic: false,
    });
    const client = openaiClient(gateway, (await createGatewayKey(store.db, { name: 'push', policies: [], projects: [] })).key);
    expect(await version(client)).toBe('push@1');
    await addPolicyVersion(store.db, policy([LITE]), { sourceFormat: 'watsonx', origin: 'promote' });
    const s = store;
    await announceServingChange({ env: { REDIS_URL, ROUTELAB_GATEWAY_PREFIX: prefix }, store: async () => s }, 'push');
    await expect.poll(() => version(client)).toBe('push@2');
  });
});
