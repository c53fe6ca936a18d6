import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { openStore, type Store } from '../../src/store/db.js';

/**
 * Repositories are tested on both stores. The Postgres one is required: when the server is not
 * reachable the test fails (CI must never skip it silently).
 */
export const STORE_KINDS = ['pglite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestStore extends Store {
  /** postgres:// URL of the temporary database (postgres kind only), for child processes. */
  url?: string;
  /** Close and drop the temporary database. */
  cleanup(): Promise<void>;
}

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `routelab_t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const a = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end({ timeout: 5 });
      }
    },
  };
}

let pgliteTemplate: Promise<Blob> | undefined;

/** One migrated in-memory PGlite per test process, cloned for each test (about 8x faster than migrating). */
function migratedTemplate(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const store = await openStore({ dataDir: 'memory://' });
    try {
      return await (store.dumpDataDir as () => Promise<Blob>)();
    } finally {
      await store.close();
    }
  })();
  return pgliteTemplate;
}

export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'pglite') {
    const store = await openStore({ dataDir: 'memory://', pgliteTemplate: await migratedTemplate() });
    return { ...store, cleanup: () => store.close() };
  }
  const dbase = await createTestDatabase();
  const store = await openStore({ url: dbase.url, max: 4 });
  return {
    ...store,
    url: dbase.url,
    cleanup: async () => {
      await store.close();
      await dbase.drop();
    },
  };
}
