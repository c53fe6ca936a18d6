import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { testContext } from '../../helpers/cli-context.js';
import { completion } from '../../helpers/fault-server.js';
import { driftEndpoint } from './drift-endpoint.js';
import { askedNumber, runNight, seedDrift } from './fixtures.js';

const T0 = Date.parse('2026-11-21T02:00:00Z');

describe('routelab runs compare', () => {
  let wrong = false;
  const env = driftEndpoint(
    'pglite',
    (req) => ({ kind: 'json', status: 200, body: completion(wrong ? 'no idea' : askedNumber(req.body), { model: 'drift/m' }) }),
    () => {
      wrong = false;
    },
  );

  it('shows the model whose answers changed, with a CI, p_holm and the cases to read', async () => {
    const seeded = await seedDrift(env.store.db, env.server.baseUrl);
    const a = await runNight(env.store.db, env.chat, seeded, { at: T0, seed: 'a' });
    wrong = true;
    const b = await runNight(env.store.db, env.chat, seeded, { at: T0 + 86_400_000, seed: 'b', cache: 'off' });

    const json = testContext(env.store);
    expect(await main(['node', 'routelab', 'runs', 'compare', a.run_id, b.run_id, '--json'], json)).toBe(0);
    const r = JSON.parse(json.out()) as {
      shared_cases: number;
      comparisons: Array<Record<string, unknown>>;
      changed: Array<Record<string, unknown>>;
    };
    expect(r.shared_cases).toBe(8);
    const model = r.comparisons.find((c) => c.model === 'drift/m' && c.segment === 'all');
    expect(model).toMatchObject({ variant: null, diff: -1, ci: [-1, -1] });
    expect(model?.p_holm).toBeLessThan(0.05);
    expect(r.comparisons.find((c) => c.variant === 'drift-policy')).toMatchObject({ model: null, segment: 'all', diff: -1 });
    expect(r.changed[0]).toMatchObject({ model: 'drift/m', a_score: 1, b_score: 0, b_output: 'no idea' });

    const text = testContext(env.store);
    expect(await main(['node', 'routelab', 'runs', 'compare', a.run_id, b.run_id], text)).toBe(0);
    expect(text.out()).toMatch(/drift\/m\s+all\s+8\s+1\.000\s+0\.000\s+-1\.000/);
    expect(text.out()).toMatch(/B: no idea/);
    for (const line of text.out().split('\n')) expect(line.length).toBeLessThanOrEqual(80);

    const missing = testContext(env.store);
    expect(await main(['node', 'routelab', 'runs', 'compare', a.run_id, 'r-nope'], missing)).toBe(2);
    expect(missing.err()).toMatch(/r-nope/);
  });
});
