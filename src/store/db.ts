import { fileURLToPath } from 'node:url';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import type { Sql } from 'postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.js';
import { noDelaySocketFor } from './no-delay-socket.js';
import { lockStore, type StoreLockOptions } from './store-lock.js';

/** Both drivers give a drizzle PgDatabase over the same schema; repositories take this. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Store {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Postgres only: the URL it was opened with (a worker thread opens a connection of its own). */
  url?: string;
  /** Rows of a raw statement, the same shape on both drivers. */
  rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  close(): Promise<void>;
  /**
   * Postgres only: a connection of its own, outside the pool, for session-level advisory locks held
   * for a long operation (an import); closing it (or the process dying) releases them.
   */
  session?: () => Promise<{ sql: Sql; close(): Promise<void> }>;
  /** Postgres only: LISTEN on a channel (a dedicated connection); resolves to how to stop. */
  listen?(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  /** PGlite only: the data directory as a tarball (test templates). */
  dumpDataDir?: () => Promise<Blob | File>;
}

export interface StoreOptions {
  /** postgres:// URL; when absent the embedded PGlite store is used. */
  url?: string;
  /** PGlite data directory, or `memory://` for an in-memory store. */
  dataDir?: string;
  /** Apply migrations on open (default true). */
  migrate?: boolean;
  /** Max pool size for postgres.js (default 10). */
  max?: number;
  /** A PGlite data dir dump to start from (tests clone one migrated template instead of migrating). */
  pgliteTemplate?: Blob;
  /** Where the migrations are (default: the package's migrations/; upgrade tests pass an older set). */
  migrationsFolder?: string;
  /** PGlite on disk: how to wait for another process holding the store (see store-lock.ts). */
  lock?: StoreLockOptions;
  /**
   * Postgres: sockets with Nagle's algorithm off (no-delay-socket.ts), for a client that writes by
   * COPY (several small writes a statement). Off by default: one-write statements gain nothing.
   */
  noDelay?: boolean;
}

const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));
/** Arbitrary constant: every routelab process takes this advisory lock while it migrates. */
const MIGRATION_LOCK = 7_314_002;

export const DEFAULT_DATA_DIR = '.routelab/db';

/** Open the store named by the environment: DATABASE_URL → Postgres, else PGlite under .routelab/. */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  return env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.ROUTELAB_DATA_DIR ?? DEFAULT_DATA_DIR };
}

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const store = options.url
    ? await openPostgres(options.url, options.max ?? 10, options.noDelay === true)
    : await openPglite(options.dataDir ?? DEFAULT_DATA_DIR, options.pgliteTemplate, options.lock);
  if (options.migrate !== false) {
    try {
      await migrateStore(store, options);
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  return store;
}

async function openPglite(dataDir: string, template?: Blob, lockOptions?: StoreLockOptions): Promise<Store> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const memory = dataDir.startsWith('memory://');
  if (!memory) mkdirSync(dataDir, { recursive: true });
  // One process at a time on a data directory: a second one waits or stops, it never opens it.
  const lock = memory ? null : await lockStore(dataDir, lockOptions);
  let client;
  try {
    client = new PGlite({ ...(memory ? {} : { dataDir }), ...(template ? { loadDataDir: template } : {}) });
    await client.waitReady;
  } catch (e) {
    lock?.release();
    throw e;
  }
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    dumpDataDir: () => client.dumpDataDir('none'),
    rows: async <T>(query: SQL) => ((await db.execute(query)) as unknown as { rows: T[] }).rows,
    close: async () => {
      try {
        if (!client.closed) await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

async function openPostgres(url: string, max: number, noDelay: boolean): Promise<Store> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const base = { max, onnotice: () => {}, connect_timeout: 10 };
  const parsed = postgres(url, base); // connects nothing until its first query
  const socket = noDelay ? noDelaySocketFor(parsed.options) : undefined;
  // `socket`: a postgres.js option its types do not declare.
  const client = socket ? postgres(url, { ...base, socket } as typeof base) : parsed;
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    url,
    rows: async <T>(query: SQL) => [...((await db.execute(query)) as unknown as T[])],
    session: async () => {
      const one = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
      return { sql: one, close: () => one.end({ timeout: 5 }) };
    },
    close: () => client.end({ timeout: 5 }),
    listen: async (channel, onMessage) => {
      const l = await client.listen(channel, onMessage);
      return () => l.unlisten();
    },
  };
}

/**
 * Apply pending migrations. Two processes starting together cannot race: each takes a session
 * advisory lock on a dedicated single connection (drizzle's advice: migrate on a `max: 1` client).
 */
export async function migrateStore(store: Store, options: StoreOptions): Promise<void> {
  if (store.kind === 'pglite') {
    if (await pgliteUpToDate(store, options.migrationsFolder ?? MIGRATIONS)) return;
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    // PGlite is one connection in one process; the lock documents intent and costs nothing.
    await store.db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      await migrate(store.db as never, { migrationsFolder: options.migrationsFolder ?? MIGRATIONS });
    } finally {
      await store.db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
    return;
  }
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(options.url as string, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(client), { migrationsFolder: options.migrationsFolder ?? MIGRATIONS });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * The embedded store's fast start: drizzle's migrator applies a migration when its journal time is
 * later than the newest `created_at` in `drizzle.__drizzle_migrations`; when none is, it would only
 * hash every migration file and run its bookkeeping queries. One query answers the same question
 * (PGlite is one process, so nothing can migrate between this check and the command).
 */
async function pgliteUpToDate(store: Store, folder: string): Promise<boolean> {
  let newest: number;
  try {
    const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] };
    newest = Math.max(...journal.entries.map((e) => e.when));
  } catch {
    return false;
  }
  try {
    const rows = await store.rows<{ at: string | number | null }>(sql`select max(created_at) as at from drizzle.__drizzle_migrations`);
    const at = rows[0]?.at;
    return at !== null && at !== undefined && Number(at) >= newest;
  } catch {
    return false; // no bookkeeping table yet: a new store
  }
}
