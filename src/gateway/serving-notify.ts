import { Redis } from 'ioredis';
import { sql } from 'drizzle-orm';
import type { Store } from '../store/db.js';

/**
 * Hot reload by push. A promote or rollback announces "the served versions changed" on the
 * Postgres channel (NOTIFY, when the store is Postgres) and on the Redis channel (PUBLISH, when
 * REDIS_URL is set); each gateway listens on both and reloads at once. The message carries no
 * data: a gateway re-reads the store (its fingerprint query), so a lost, duplicated or early
 * message cannot serve a wrong version, and the poll stays as the fallback (PGlite, a dropped
 * connection).
 */
export const SERVING_CHANNEL = 'routelab_serving';

export function redisServingChannel(prefix: string): string {
  return `${prefix}:serving`;
}

/** Best effort, never fails the promotion: the gateways' poll picks the change up regardless. */
export async function announceServingChange(
  ctx: { env: NodeJS.ProcessEnv | Record<string, string | undefined>; store(): Promise<Store> },
  policy: string,
): Promise<void> {
  const store = await ctx.store();
  const jobs: Array<Promise<unknown>> = [];
  if (store.kind === 'postgres') jobs.push(store.rows(sql`select pg_notify(${SERVING_CHANNEL}, ${policy})`));
  const url = ctx.env.REDIS_URL;
  if (url) {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000, enableOfflineQueue: true });
    redis.on('error', () => {});
    jobs.push(
      redis
        .publish(redisServingChannel(ctx.env.ROUTELAB_GATEWAY_PREFIX ?? 'routelab:gw'), policy)
        .finally(() => redis.quit().catch(() => redis.disconnect())),
    );
  }
  await Promise.allSettled(jobs);
}

/** Calls `onChange` on each announcement; returns how to stop listening. */
export async function subscribeServingChanges(opts: {
  store: Store;
  redisUrl?: string;
  redisPrefix?: string;
  onChange: () => void;
}): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  if (opts.store.listen) stops.push(await opts.store.listen(SERVING_CHANNEL, opts.onChange));
  if (opts.redisUrl) {
    // Connect first, so an unreachable Redis fails the start (as the shared state does) rather
    // than leaving the subscription queued; once up, ioredis resubscribes after a reconnect.
    const sub = new Redis(opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
    sub.on('error', () => {});
    await sub.connect();
    const channel = redisServingChannel(opts.redisPrefix ?? 'routelab:gw');
    sub.on('message', (ch: string) => {
      if (ch === channel) opts.onChange();
    });
    await sub.subscribe(channel);
    stops.push(async () => {
      await sub.quit().catch(() => sub.disconnect());
    });
  }
  return async () => {
    await Promise.allSettled(stops.map((s) => s()));
  };
}
