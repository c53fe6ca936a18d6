// The life cycle of a traffic import: begin (with its advisory lock), finish, abandon, reap, list.
import { desc, eq, sql } from 'drizzle-orm';
import type { Sql } from 'postgres';
import type { Db } from '../db.js';
import { trafficImports } from '../schema/traffic.js';
import { storableText } from '../storable.js';

/** An import row for writes that need no life cycle (tests, fixtures): completed from the start. */
export async function createImport(db: Db, files: string[], format: string): Promise<number> {
  const [row] = await db
    .insert(trafficImports)
    .values({ file: files.join(', '), format, finishedAt: new Date() })
    .returning({ id: trafficImports.id });
  if (!row) throw new Error('traffic_imports insert returned no row');
  return row.id;
}

/** Advisory lock namespace of imports: (IMPORT_LOCK, import id) is held by the importing process for the import's life. */
const IMPORT_LOCK = 7_314_017;
/**
 * Claims (in the careful write path) take this transaction lock shared, abandoning an import takes
 * it exclusive: a claim is then either seen by the cleanup, or made after the rows are gone (and
 * the claimer inserts them itself).
 */
export const OWNERSHIP_LOCK = 7_314_018;

/** A running import: its rows are not sampled until finishImport marks it completed. */
export async function beginImport(db: Db, files: string[], format: string): Promise<number> {
  const [row] = await db
    .insert(trafficImports)
    .values({ file: files.join(', '), format, state: 'running', pid: process.pid })
    .returning({ id: trafficImports.id });
  if (!row) throw new Error('traffic_imports insert returned no row');
  return row.id;
}

/**
 * Postgres: a running import whose row is created and whose advisory lock is taken in one
 * transaction on `conn`, a connection kept for the import's life. Others see the row only with the
 * lock held; when the process dies the server drops the connection and the lock, which is how
 * reapStaleImports tells a dead import from a live one.
 */
export async function beginLockedImport(conn: Sql, files: string[], format: string): Promise<number> {
  return conn.begin(async (tx) => {
    const [row] = await tx<Array<{ id: number }>>`
      insert into traffic_imports (file, format, state, pid) values (${files.join(', ')}, ${format}, 'running', ${process.pid}) returning id`;
    if (!row) throw new Error('traffic_imports insert returned no row');
    // A session lock: it outlives this transaction, until released or the connection closes.
    await tx`select pg_advisory_lock(${IMPORT_LOCK}::int, ${row.id}::int)`;
    return row.id;
  }) as Promise<number>;
}

export async function releaseImportLock(conn: Sql, importId: number): Promise<void> {
  await conn`select pg_advisory_unlock(${IMPORT_LOCK}::int, ${importId}::int)`;
}

/**
 * Postgres: every running import whose process is gone (its advisory lock is free) is cleaned up as
 * failed. Returns the ids. `conn` is a connection of its own (Store.session: the try-lock is a session lock).
 */
export async function reapStaleImports(db: Db, conn: Sql): Promise<number[]> {
  const running = await conn<
    Array<{ id: number; pid: number | null }>
  >`select id, pid from traffic_imports where state = 'running' order by id`;
  const reaped: number[] = [];
  for (const { id, pid } of running) {
    const [got] = await conn<Array<{ ok: boolean }>>`select pg_try_advisory_lock(${IMPORT_LOCK}::int, ${id}::int) as ok`;
    if (!got?.ok) continue;
    try {
      await abandonImport(
        db,
        id,
        'failed',
        `the importing process${pid ? ` (pid ${pid})` : ''} stopped before the import finished; its rows were removed`,
      );
      reaped.push(id);
    } finally {
      await releaseImportLock(conn, id);
    }
  }
  return reaped;
}

export interface ImportCounts {
  imported: number;
  duplicates: number;
  quarantined: number;
  redacted: number;
  notReplayable: number;
}

/**
 * The import is complete: its rows become visible to samples. Imported and duplicates are added to
 * what the row holds: rows passed to this import by an abandoned one were counted there already.
 */
export async function finishImport(db: Db, importId: number, counts: ImportCounts): Promise<void> {
  await db
    .update(trafficImports)
    .set({
      imported: sql`${trafficImports.imported} + ${counts.imported}`,
      duplicates: sql`${trafficImports.duplicates} + ${counts.duplicates}`,
      quarantined: counts.quarantined,
      redacted: counts.redacted,
      notReplayable: counts.notReplayable,
      state: 'completed',
      finishedAt: new Date(),
    })
    .where(eq(trafficImports.id, importId));
}

/**
 * Undo an import that will not complete: its rows that a running or completed import claimed pass to
 * that import (counted as imported there, no longer as duplicates); every other row it inserted, its
 * quarantine and its claims are deleted. The row stays, with its state and reason, for `traffic
 * imports`. Never touches a row another import inserted.
 */
export async function abandonImport(db: Db, importId: number, state: 'abandoned' | 'failed', reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${OWNERSHIP_LOCK})`);
    await tx.execute(sql`
      with heir as (
        select c.traffic_id, min(c.import_id) as claimer
        from traffic_claims c join traffic_imports i on i.id = c.import_id
        where c.import_id <> ${importId} and i.state in ('running', 'completed')
        group by c.traffic_id
      ), moved as (
        update traffic t set import_id = heir.claimer from heir
        where t.id = heir.traffic_id and t.import_id = ${importId}
        returning heir.claimer
      ), counts as (select claimer, count(*)::int as n from moved group by claimer)
      update traffic_imports i set imported = i.imported + counts.n, duplicates = i.duplicates - counts.n
      from counts where i.id = counts.claimer`);
    await tx.execute(sql`delete from traffic where import_id = ${importId}`);
    await tx.execute(sql`delete from quarantine where import_id = ${importId}`);
    await tx.execute(sql`delete from traffic_claims where import_id = ${importId}`);
    await tx
      .update(trafficImports)
      .set({ state, error: storableText(reason).slice(0, 1000), imported: 0, duplicates: 0, quarantined: 0, finishedAt: new Date() })
      .where(eq(trafficImports.id, importId));
  });
}

export async function listImports(db: Db, limit = 20) {
  return db.select().from(trafficImports).orderBy(desc(trafficImports.id)).limit(limit);
}
