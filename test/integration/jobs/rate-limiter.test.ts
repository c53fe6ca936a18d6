import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createLocalRateLimiter,
  createRedisRateLimiter,
  type RateLimiter,
  type RateLimiterOptions,
} from '../../../src/jobs/rate-limiter.js';
import { startFaultServer } from '../../helpers/fault-server.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../../helpers/redis.js';

/**
 * Two workers sharing a 60 rpm model make at most 60 calls in any 60 s window, measured where the
 * calls arrive: a loopback fake stamping each request with the clock. The clock is virtual (injected
 * into the limiters): it only moves when every worker is waiting, straight to the earliest wake-up,
 * so minutes of limiting run in well under a second and arrival times equal grant times exactly.
 * Real Redis, real HTTP.
 */

class VirtualClock {
  t = 0;
  private sleepers: Array<{ until: number; resolve: () => void }> = [];
  private changed: (() => void) | undefined;
  now = () => this.t;
  sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.sleepers.push({ until: this.t + ms, resolve });
      this.changed?.();
    });
  waiting = () => this.sleepers.length;
  /** Resolves on the next sleep or finished worker. */
  change = () => new Promise<void>((r) => (this.changed = r));
  notify = () => this.changed?.();
  /** Move to the earliest wake-up and wake everyone due. */
  advance() {
    const next = Math.min(...this.sleepers.map((s) => s.until));
    this.t = Math.max(this.t, next);
    const due = this.sleepers.filter((s) => s.until <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.until > this.t);
    due.forEach((s) => s.resolve());
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function measure(
  makeLimiters: (opts: RateLimiterOptions) => RateLimiter[],
  perWorker: number,
  limits: { rpm: number | null; tpm: number | null },
  tokens = 1,
) {
  const clock = new VirtualClock();
  const arrivals: number[] = [];
  const server = await startFaultServer(() => {
    arrivals.push(clock.now());
    return { kind: 'json', status: 200, body: { ok: true } };
  });
  cleanups.push(() => server.close());
  const limiters = makeLimiters({ now: clock.now, sleep: clock.sleep });
  let running = limiters.length;
  const workers = limiters.map(async (limiter, w) => {
    for (let i = 0; i < perWorker; i++) {
      await limiter.acquire('shared/model', limits, tokens);
      await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: '{}' }).then((r) => r.text());
      // Some work between calls, different per worker, so calls spread over the window.
      await clock.sleep(((w * 7 + i * 13) % 11) * 97);
    }
    running--;
    clock.notify();
  });
  // Drive time: only when every running worker waits.
  while (running > 0) {
    if (clock.waiting() === running) clock.advance();
    else await clock.change();
  }
  await Promise.all(workers);
  return arrivals.sort((a, b) => a - b);
}

/** The most arrivals in any half-open window [t, t + w). */
function maxInWindow(times: number[], w: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[j] as number) <= (times[i] as number) - w) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('rate limits per model', () => {
  it('two workers on one Redis prefix sharing a 60 rpm model make at most 60 calls in any 60 s window', async () => {
    const prefix = testPrefix();
    const conns = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
    cleanups.push(async () => {
      await dropPrefix(prefix);
      conns.forEach((c) => c.disconnect());
    });
    const arrivals = await measure((o) => conns.map((c) => createRedisRateLimiter(c, prefix, o)), 100, { rpm: 60, tpm: null });
    expect(arrivals).toHaveLength(200);
    expect(maxInWindow(arrivals, 60_000)).toBe(60);
    // Not slower than the limit either: 200 calls at 60 a minute need a little over three minutes.
    expect(arrivals.at(-1)).toBeLessThan(4 * 60_000);
  });

  it('without Redis, one process limiter shared by its chunks does the same', async () => {
    const arrivals = await measure(
      (o) => {
        const l = createLocalRateLimiter(o);
        return [l, l];
      },
      100,
      { rpm: 60, tpm: null },
    );
    expect(maxInWindow(arrivals, 60_000)).toBe(60);
  });

  it('holds tokens per minute too: 10 calls of 1000 tokens under a 4000 tpm limit', async () => {
    const prefix = testPrefix();
    const conns = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
    cleanups.push(async () => {
      await dropPrefix(prefix);
      conns.forEach((c) => c.disconnect());
    });
    const arrivals = await measure((o) => conns.map((c) => createRedisRateLimiter(c, prefix, o)), 5, { rpm: null, tpm: 4000 }, 1000);
    expect(arrivals).toHaveLength(10);
    expect(maxInWindow(arrivals, 60_000)).toBe(4);
  });

  it('holds tokens per minute in the process too', async () => {
    const arrivals = await measure(
      (o) => {
        const l = createLocalRateLimiter(o);
        return [l, l];
      },
      5,
      { rpm: 100, tpm: 2500 },
      1000,
    );
    expect(maxInWindow(arrivals, 60_000)).toBe(2);
  });

  it('a model without limits never waits', async () => {
    const limiter = createLocalRateLimiter({ sleep: () => Promise.reject(new Error('must not wait')) });
    for (let i = 0; i < 500; i++) await limiter.acquire('free', { rpm: null, tpm: null }, 10);
  });
});
