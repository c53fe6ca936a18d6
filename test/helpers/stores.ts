import { randomUUID } from 'node:crypto';
import { cpSync, readFileSync } from 'node:fs';
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

/** Set by the globalSetup test/helpers/db-templates.ts: a migrated database to copy, a migrated PGlite dump. */
export const PG_TEMPLATE_ENV = 'ROUTELAB_TEST_PG_TEMPLATE';
export const PGLITE_TEMPLATE_ENV = 'ROUTELAB_TEST_PGLITE_TEMPLATE';
export const PGLITE_DIR_ENV = 'ROUTELAB_TEST_PGLITE_DIR';

/**
 * Make `dataDir` a migrated embedded store for child processes to open, in a test that is not about a
 * first start: a copy of the run's migrated template directory (no initdb, no migrations), or else a
 * store migrated here.
 */
export async function migratedDataDir(dataDir: string): Promise<void> {
  const template = process.env[PGLITE_DIR_ENV];
  if (template) cpSync(template, dataDir, { recursive: true });
  else await (await openStore({ dataDir })).close();
}

/** The admin URL pointed at another database on the same server. */
export function withDatabase(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A temporary Postgres database. Empty by default: the first routelab process to open it migrates it,
 * as on a user's new database. `{ migrated: true }` copies the run's migrated template instead (about
 * a sixth of the time, loaded), for tests that are not about migrating; without a template it is empty.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `routelab_t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const template = options.migrated ? process.env[PG_TEMPLATE_ENV] : undefined;
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin.unsafe(template ? `create database ${name} template ${template}` : `create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return {
    url: withDatabase(name),
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

/**
 * A migrated in-memory PGlite, cloned for each test (about 8x faster than migrating): the run's dump
 * (db-templates.ts), or else one migrated per test process.
 */
function migratedTemplate(): Promise<Blob> {
  const file = process.env[PGLITE_TEMPLATE_ENV];
  pgliteTemplate ??= (async () => {
    if (file) return new Blob([readFileSync(file)]);
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
  const dbase = await createTestDatabase({ migrated: true });
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
