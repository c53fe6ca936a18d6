import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** Where the queue lives: one Redis, one key prefix (tests use a unique prefix each). */
export interface QueueConfig {
  url: string;
  prefix: string;
  queueName: string;
}

export const DEFAULT_QUEUE = 'routelab';
export const DEFAULT_PREFIX = 'routelab';

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

export function queueConfigFromEnv(env: NodeJS.ProcessEnv): QueueConfig | undefined {
  if (!env.REDIS_URL) return undefined;
  return { url: env.REDIS_URL, prefix: env.ROUTELAB_QUEUE_PREFIX ?? DEFAULT_PREFIX, queueName: DEFAULT_QUEUE };
}

/**
 * BullMQ connection options. Workers need `maxRetriesPerRequest: null` so a blocking command
 * survives a Redis restart (they reconnect and resume on their own instead of crashing).
 */
export function connectionOptions(url: string): RedisOptions {
  return { url, maxRetriesPerRequest: null };
}

/** host:port only — a Redis URL may carry a password, which must not reach a message. */
export function describeRedis(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'REDIS_URL';
  }
}

/**
 * A producer with Redis down must fail fast and say so, not hang: one PING with a short connect
 * timeout and no retries before anything is enqueued.
 */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  // commandTimeout too: a frozen Redis (SIGSTOP, a stuck host) completes the TCP handshake and then never answers the PING.
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis reports the cause (ECONNREFUSED, ETIMEDOUT…) as an event; the rejection only says "closed".
  let cause: string | undefined;
  r.on('error', (e: Error) => (cause ??= e.message));
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw new RedisUnavailableError(
      `cannot reach Redis at ${describeRedis(url)} (REDIS_URL): ${cause ?? (e instanceof Error ? e.message : String(e))}`,
    );
  } finally {
    r.disconnect();
  }
}
