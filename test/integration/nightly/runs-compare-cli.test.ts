import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { createChatClient, type ChatClient } from '../../../src/providers/index.js';
import { testContext } from '../../helpers/cli-context.js';
import { completion, startFaultServer, type FaultServer } from '../../helpers/fault-server.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';
import { askedNumber, runNight, seedDrift } from './fixtures.js';

const T0 = Date.parse('2026-11-21T02:00:00Z');

describe('routelab runs compare', () => {
  let store: TestStore;
  let chat: ChatClient;
  let server: FaultServer;
  let wrong = false;
  beforeEach(async () => {
    wrong = false;
    store = await openTestStore('pglite');
    chat = createChatClient({ env: {} });
    server = await startFaultServer((_n, req) => ({ kind: 'json', status: 200, body: completion(wrong ? 'no idea' : askedNumber(req.body), { model: 'drift/m' }) }));
  });
  afterEach(async () => {
    await chat.close();
    await server.close();
    await store.cleanup();
  });

  it('shows the model whose answers changed, with a CI, p_holm and the cases to read', async () => {
    const seeded = await seedDrift(store.db, server.baseUrl);
    const a = await runNight(store.db, chat, seeded, { at: T0, seed: 'a' });
    wrong = true;
    const b = await runNight(store.db, chat, seeded, { at: T0 + 86_400_000, seed: 'b', cache: 'off' });

    const json = testContext(store);
    expect(await main(['node', 'routelab', 'runs', 'compare', a.run_id, b.run_id, '--json'], json)).toBe(0);
    const r = JSON.parse(json.out()) as { shared_cases: number; comparisons: Array<Record<string, unknown>>; changed: Array<Record<string, unknown>> };
    expect(r.shared_cases).toBe(8);
    const model = r.comparisons.find((c) => c.model === 'drift/m' && c.segment === 'all');
    expect(model).toMatchObject({ variant: null, diff: -1, ci: [-1, -1] });
    expect(model?.p_holm).toBeLessThan(0.05);
    expect(r.comparisons.find((c) => c.variant === 'drift-policy')).toMatchObject({ model: null, segment: 'all', diff: -1 });
    expect(r.changed[0]).toMatchObject({ model: 'drift/m', a_score: 1, b_score: 0, b_output: 'no idea' });

    const text = testContext(store);
    expect(await main(['node', 'routelab', 'runs', 'compare', a.run_id, b.run_id], text)).toBe(0);
    expect(text.out()).toMatch(/drift\/m\s+all\s+8\s+1\.000\s+0\.000\s+-1\.000/);
    expect(text.out()).toMatch(/B: no idea/);
    for (const line of text.out().split('\n')) expect(line.length).toBeLessThanOrEqual(80);

    const missing = testContext(store);
    expect(await main(['node', 'routelab', 'runs', 'compare', a.run_id, 'r-nope'], missing)).toBe(2);
    expect(missing.err()).toMatch(/r-nope/);
  });
});
