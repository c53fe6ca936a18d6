import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openStore } from '../../src/store/db.js';
import { PG_ADMIN_URL, PG_TEMPLATE_ENV, PGLITE_DIR_ENV, PGLITE_TEMPLATE_ENV, withDatabase } from './stores.js';

/**
 * vitest globalSetup: migrate once per run, not once per test. Makes
 * - a migrated Postgres database that test databases are created from (`create database … template
 *   …`, a copy: a fraction of a migration);
 * - a migrated PGlite data directory, which tests copy for the binary to open, and its dump, which
 *   in-memory test stores load.
 * Their names reach the test processes through the environment (test/helpers/stores.ts reads them;
 * without them, as in a bench, every store migrates). All are removed at the end of the run.
 * Postgres restarted mid-run (test/reliability/slow/pg-restart) keeps them: they are on disk.
 */
export default async function setup(): Promise<() => Promise<void>> {
  // A config whose projects all inherit this setup calls it once per project, in turn, in one process.
  if (process.env[PGLITE_DIR_ENV]) return async () => {};
  const dir = mkdtempSync(join(tmpdir(), 'routelab-tpl-'));
  const name = `routelab_tpl_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const [pgTemplate] = await Promise.all([postgresTemplate(name), pgliteTemplate(dir)]);
  return async () => {
    for (const key of [PG_TEMPLATE_ENV, PGLITE_TEMPLATE_ENV, PGLITE_DIR_ENV]) delete process.env[key];
    rmSync(dir, { recursive: true, force: true });
    if (pgTemplate) await adminQuery(`drop database if exists ${name} with (force)`);
  };
}

async function adminQuery(statement: string): Promise<void> {
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** Whether the database was created (so must be dropped). */
async function postgresTemplate(name: string): Promise<boolean> {
  // Without a reachable Postgres there is no template: each Postgres test fails on its own, as it
  // would without this setup, and the rest of the run goes on.
  try {
    await adminQuery(`create database ${name}`);
  } catch (e) {
    console.warn(`no Postgres template database (${String(e)})`);
    return false;
  }
  try {
    await (await openStore({ url: withDatabase(name), max: 1 })).close();
    process.env[PG_TEMPLATE_ENV] = name;
  } catch (e) {
    console.warn(`no Postgres template database: migrating it failed (${String(e)})`);
  }
  return true;
}

async function pgliteTemplate(dir: string): Promise<void> {
  const dataDir = join(dir, 'pglite');
  const store = await openStore({ dataDir });
  let dump: Blob;
  try {
    dump = await (store.dumpDataDir as () => Promise<Blob>)();
  } finally {
    await store.close();
  }
  const file = join(dir, 'pglite-migrated.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  process.env[PGLITE_TEMPLATE_ENV] = file;
  process.env[PGLITE_DIR_ENV] = dataDir;
}
