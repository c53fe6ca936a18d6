import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A model's limits per window (the catalog's rate_limit_rpm / rate_limit_tpm); null means none. */
export interface RateLimits {
  rpm: number | null;
  tpm: number | null;
}

/**
 * Requests and tokens per model per window, shared by every chunk a process runs and, on Redis, by
 * every worker on the same key prefix.
 *
 * A sliding-window log rather than a refilling token bucket: a bucket that may burst to its limit
 * lets through up to twice the limit in one window (a full bucket spent at the end of one minute,
 * refilled and spent again early in the next), which is exactly what a provider's per-minute limit
 * answers with 429s. The log admits a call only if fewer than `rpm` calls (and, with the call's own,
 * at most `tpm` tokens) were admitted in the last window, so no window of that length ever holds more.
 */
export interface RateLimiter {
  /** Wait until one call of `tokens` fits the model's limits, then count it. Rejects if `signal` aborts. */
  acquire(model: string, limits: RateLimits, tokens: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface RateLimiterOptions {
  /** Milliseconds; the clock every instance sharing a Redis prefix must agree on (default Date.now). */
  now?: () => number;
  /** How a caller waits (default a timer); tests pass a virtual clock's. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The window the limits are per (default 60 000 ms: per minute). */
  windowMs?: number;
}

/** In this process only: the path without REDIS_URL. */
export function createLocalRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const now = options.now ?? (() => Date.now());
  const windowMs = options.windowMs ?? 60_000;
  const logs = new Map<string, Array<{ t: number; tokens: number }>>();
  const tryAcquire = (model: string, limits: RateLimits, tokens: number): number => {
    const t = now();
    let log = logs.get(model);
    if (!log) logs.set(model, (log = []));
    while (log.length > 0 && (log[0] as { t: number }).t <= t - windowMs) log.shift();
    const wait = waitFor(log, limits, tokens, t, windowMs);
    if (wait === 0) log.push({ t, tokens });
    return wait;
  };
  return {
    acquire: (model, limits, tokens, signal) => acquireLoop(() => tryAcquire(model, limits, tokens), limits, options, signal),
    close: async () => {},
  };
}

/** Milliseconds until the call fits (0: it fits now). Same rule as the Lua script below. */
function waitFor(
  log: ReadonlyArray<{ t: number; tokens: number }>,
  limits: RateLimits,
  tokens: number,
  t: number,
  windowMs: number,
): number {
  let wait = 0;
  if (limits.rpm && log.length >= limits.rpm) wait = (log[log.length - limits.rpm] as { t: number }).t + windowMs - t;
  if (limits.tpm && log.length > 0) {
    let used = log.reduce((a, e) => a + e.tokens, 0);
    // A call larger than the whole limit goes alone into an empty window rather than never.
    for (let i = 0; i < log.length && used + tokens > limits.tpm; i++) {
      used -= (log[i] as { tokens: number }).tokens;
      wait = Math.max(wait, (log[i] as { t: number }).t + windowMs - t);
    }
  }
  return Math.max(0, wait);
}

/**
 * One atomic check-and-count per call. KEYS[1]: the model's log (a sorted set scored by time,
 * members `<unique>:<tokens>`). ARGV: now, window, rpm (0: none), tpm (0: none), tokens, member.
 * Returns 0 when the call was counted, else the milliseconds to wait before asking again.
 */
const ACQUIRE_LUA = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local rpm = tonumber(ARGV[3])
local tpm = tonumber(ARGV[4])
local tokens = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local n = redis.call('ZCARD', key)
local wait = 0
if rpm > 0 and n >= rpm then
  local e = redis.call('ZRANGE', key, n - rpm, n - rpm, 'WITHSCORES')
  wait = tonumber(e[2]) + window - now
end
if tpm > 0 and n > 0 then
  local all = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
  local used = 0
  for i = 1, #all, 2 do used = used + tonumber(string.match(all[i], ':(%d+)$')) end
  local i = 1
  while i <= #all and used + tokens > tpm do
    used = used - tonumber(string.match(all[i], ':(%d+)$'))
    local w = tonumber(all[i + 1]) + window - now
    if w > wait then wait = w end
    i = i + 2
  end
end
if wait > 0 then return wait end
redis.call('ZADD', key, now, ARGV[6])
redis.call('PEXPIRE', key, window + 1000)
return 0
`;

/**
 * Shared by every worker on one Redis prefix: the check and the count are one Lua script, so two
 * workers can never both take the last slot. The caller owns the connection.
 */
export function createRedisRateLimiter(redis: Redis, prefix: string, options: RateLimiterOptions = {}): RateLimiter {
  const now = options.now ?? (() => Date.now());
  const windowMs = options.windowMs ?? 60_000;
  const tryAcquire = async (model: string, limits: RateLimits, tokens: number): Promise<number> => {
    // The model name is base64url-encoded into the key: untrusted text never shapes a Redis key pattern.
    const key = `${prefix}:ratelimit:${Buffer.from(model).toString('base64url')}`;
    const member = `${randomUUID()}:${Math.max(0, Math.round(tokens))}`;
    const r = await redis.eval(
      ACQUIRE_LUA,
      1,
      key,
      now(),
      windowMs,
      limits.rpm ?? 0,
      limits.tpm ?? 0,
      Math.max(0, Math.round(tokens)),
      member,
    );
    return Number(r);
  };
  return {
    acquire: (model, limits, tokens, signal) => acquireLoop(() => tryAcquire(model, limits, tokens), limits, options, signal),
    close: async () => {},
  };
}

async function acquireLoop(
  attempt: () => number | Promise<number>,
  limits: RateLimits,
  options: RateLimiterOptions,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!limits.rpm && !limits.tpm) return;
  const sleep = options.sleep ?? timerSleep;
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    const wait = await attempt();
    if (wait <= 0) return;
    await sleep(wait, signal);
  }
}

function timerSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
