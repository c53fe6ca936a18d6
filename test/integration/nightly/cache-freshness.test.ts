import { describe, expect, it } from 'vitest';
import { completion } from '../../helpers/fault-server.js';
import { driftEndpoint } from './drift-endpoint.js';
import { askedNumber, QUESTIONS, runNight, seedDrift } from './fixtures.js';

const NIGHT = 86_400_000;
const T0 = Date.parse('2026-11-21T02:00:00Z');

// PGlite only: the cache repository itself is tested on both stores (provider-repos.test.ts).
describe.each(['pglite'] as const)('a response cache that can see change (%s)', (kind) => {
  /** What the endpoint does now: answer right, answer wrong (it drifted), or fail on q3. */
  let behaviour: 'right' | 'wrong' | 'q3-fails' = 'right';
  let fingerprint: string | undefined;

  const env = driftEndpoint(
    kind,
    (req) => {
      const asked = askedNumber(req.body);
      if (behaviour === 'q3-fails' && asked === '13') return { kind: 'json', status: 503, body: { error: { message: 'overloaded' } } };
      const body = completion(behaviour === 'wrong' ? `${asked}?` : asked, { model: 'drift/m' }) as Record<string, unknown>;
      return { kind: 'json', status: 200, body: fingerprint ? { ...body, system_fingerprint: fingerprint } : body };
    },
    () => {
      behaviour = 'right';
      fingerprint = undefined;
    },
  );

  it('a nightly with a refresh rate sees an endpoint that changed its answers; a plain re-run does not', async () => {
    const seeded = await seedDrift(env.store.db, env.server.baseUrl);
    const first = await runNight(env.store.db, env.chat, seeded, { at: T0, seed: 'night-1' });
    expect(first.variants[0]?.quality).toBe(1);
    expect(first.cache).toEqual([{ model: 'drift/m', hits: 0, misses: 8, refreshes: 0 }]);

    behaviour = 'wrong';
    // Without refreshes and without a TTL the cache hides the change: this is why nightlies refresh.
    const hidden = await runNight(env.store.db, env.chat, seeded, { at: T0 + NIGHT, seed: 'night-2a' });
    expect(hidden.variants[0]?.quality).toBe(1);
    expect(hidden.cache).toEqual([{ model: 'drift/m', hits: 8, misses: 0, refreshes: 0 }]);

    const calls = env.server.requests.length;
    const seen = await runNight(env.store.db, env.chat, seeded, { at: T0 + NIGHT, seed: 'night-2', refresh_rate: 0.5 });
    const refreshed = seen.cache[0]?.refreshes ?? 0;
    // A seeded share is re-asked (not all, not none), each one a real call; the change shows in quality.
    expect(refreshed).toBeGreaterThan(0);
    expect(refreshed).toBeLessThan(8);
    expect(env.server.requests.length - calls).toBe(refreshed);
    expect(seen.variants[0]?.quality).toBeCloseTo(1 - refreshed / 8, 10);
    expect(seen.model_calls).toBe(refreshed);

    // Same seed, same pairs re-asked: a nightly re-run reproduces its choice.
    const again = await runNight(env.store.db, env.chat, seeded, { at: T0 + NIGHT, seed: 'night-2', refresh_rate: 0.5 });
    expect(again.cache[0]?.refreshes).toBe(refreshed);
  });

  it('a cached answer older than the model’s cache_ttl is asked again', async () => {
    const seeded = await seedDrift(env.store.db, env.server.baseUrl, { ttlS: 3600 });
    await runNight(env.store.db, env.chat, seeded, { at: T0, seed: 'a' });
    behaviour = 'wrong';
    const within = await runNight(env.store.db, env.chat, seeded, { at: T0 + 1_800_000, seed: 'b' });
    expect(within.variants[0]?.quality).toBe(1);
    const after = await runNight(env.store.db, env.chat, seeded, { at: T0 + NIGHT, seed: 'c' });
    expect(after.cache).toEqual([{ model: 'drift/m', hits: 0, misses: 8, refreshes: 0 }]);
    expect(after.variants[0]?.quality).toBe(0);
  });

  it('a new upstream build (system_fingerprint) retires the answers of the old one', async () => {
    const seeded = await seedDrift(env.store.db, env.server.baseUrl);
    fingerprint = 'fp_1';
    await runNight(env.store.db, env.chat, seeded, { at: T0, seed: 'a' });
    fingerprint = 'fp_2';
    behaviour = 'wrong';
    // Every pair is re-asked this night: the first answer under fp_2 drops every fp_1 entry.
    const refresh = await runNight(env.store.db, env.chat, seeded, { at: T0 + NIGHT, seed: 'b', refresh_rate: 1 });
    expect(refresh.cache[0]?.refreshes).toBe(8);
    const next = await runNight(env.store.db, env.chat, seeded, { at: T0 + 2 * NIGHT, seed: 'c' });
    expect(next.variants[0]?.quality).toBe(0);
    expect(next.cache[0]?.hits).toBe(8);
  });

  it('errors count the same on a re-run from the cache; --no-cache calls everything; --cache-only calls nothing', async () => {
    const seeded = await seedDrift(env.store.db, env.server.baseUrl);
    behaviour = 'q3-fails';
    const first = await runNight(env.store.db, env.chat, seeded, { at: T0, seed: 'a' });
    expect(first.variants[0]?.error_rate).toBeCloseTo(1 / 8, 10);
    behaviour = 'right';
    const rerun = await runNight(env.store.db, env.chat, seeded, { at: T0, seed: 'a' });
    expect(rerun.variants[0]?.error_rate).toBeCloseTo(1 / 8, 10);
    expect(rerun.variants[0]?.cost_per_1k).toBeCloseTo(first.variants[0]?.cost_per_1k ?? NaN, 12);
    expect(rerun.model_calls).toBe(0);

    const calls = env.server.requests.length;
    const off = await runNight(env.store.db, env.chat, seeded, { at: T0, seed: 'a', cache: 'off' });
    expect(env.server.requests.length - calls).toBe(QUESTIONS.length);
    expect(off.variants[0]?.error_rate).toBe(0);
    expect(off.cache).toEqual([{ model: 'drift/m', hits: 0, misses: 8, refreshes: 0 }]);

    const only = await runNight(env.store.db, env.chat, seeded, { at: T0, seed: 'a', cache: 'only' });
    expect(env.server.requests.length - calls).toBe(QUESTIONS.length);
    // --no-cache wrote nothing: the cached 503 is still what --cache-only replays.
    expect(only.variants[0]?.error_rate).toBeCloseTo(1 / 8, 10);
    expect(only.model_calls).toBe(0);
  });
});
