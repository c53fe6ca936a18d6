// Over 300 lines by a few: imports, claims and listing of traffic share the ownership lock.
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { desc, eq, sql } from 'drizzle-orm';
import type { ReservedSql, Sql, TransactionSql } from 'postgres';
import type { Db } from '../db.js';
import { trafficImports } from '../schema/traffic.js';
import { COPY_HEADER, COPY_TRAILER, copyRowEncoder, type CopyRows } from '../copy-rows.js';
import type { TrafficRecord } from '../../domain/traffic-record.js';
import type { RowSink } from '../row-sink.js';
import { storableText } from '../storable.js';

/** Both drivers answer `execute` differently: postgres.js with an array, PGlite with `{rows}`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

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
const OWNERSHIP_LOCK = 7_314_018;

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

export interface InsertCounts {
  inserted: number;
  notReplayable: number;
}

/**
 * Writes batches of traffic rows. Each record is serialised into its batch as soon as it is read
 * (`add`), so that a pending batch holds bytes or strings rather than record objects. `write`
 * inserts a batch, skipping ids already stored (by earlier imports or earlier in this one), and says
 * how many rows were new.
 */
export interface TrafficWriter<Batch = unknown> extends RowSink<Batch> {
  /** `notReplayable`: how many of the batch's rows are not replayable (for writers that cannot ask the insert). */
  write(batch: Batch, notReplayable: number): Promise<InsertCounts>;
  /** One batch holding the rows of several, in order. */
  concat(batches: Batch[]): Batch;
}

/**
 * Any driver: a batch is one statement with one parameter (the batch as a JSON array), far cheaper
 * than one bind parameter per column per row.
 */
export function jsonTrafficWriter(db: Db, importId: number): TrafficWriter<string[]> {
  return {
    batch: () => [],
    concat: (batches) => batches.flat(),
    add: (rows, r) => {
      rows.push(
        JSON.stringify({
          id: r.id,
          ts: r.timestamp,
          request: r.request,
          metadata: r.metadata,
          response: r.response,
          replayable: r.replayable,
          format: r.format,
        }),
      );
    },
    write: async (rows) => {
      if (rows.length === 0) return { inserted: 0, notReplayable: 0 };
      const insert = sql`
        with ins as (
          insert into traffic (id, ts, request, metadata, response, replayable, format, import_id)
          select x.id, x.ts, x.request, x.metadata, x.response, x.replayable, x.format, ${importId}::int
          from jsonb_to_recordset(${`[${rows.join(',')}]`}::jsonb)
            as x(id text, ts timestamptz, request jsonb, metadata jsonb, response jsonb, replayable boolean, format text)
          on conflict (id) do nothing
          returning replayable
        )
        select count(*)::int as n, (count(*) filter (where not replayable))::int as nr from ins`;
      const [row] = rowsOf<{ n: number; nr: number }>(await db.execute(insert));
      return { inserted: Number(row?.n ?? 0), notReplayable: Number(row?.nr ?? 0) };
    },
  };
}

export async function insertTraffic(db: Db, importId: number, records: TrafficRecord[]): Promise<InsertCounts> {
  const writer = jsonTrafficWriter(db, importId);
  const batch = writer.batch();
  for (const r of records) writer.add(batch, r);
  return writer.write(batch, records.filter((r) => !r.replayable).length);
}

/**
 * Send `rows` to a `copy … from stdin` statement and wait for the server to accept it. postgres.js
 * (3.4.9) hands an error the server sends after the end of the data only to the query's promise,
 * which has already resolved to the stream, and never finishes the stream (porsager/postgres#1173):
 * that promise's reject is routed here instead, so a failed COPY rejects rather than hangs.
 */
async function copyIn(sqlOf: Sql | TransactionSql | ReservedSql, statement: string, chunks: readonly Buffer[]): Promise<void> {
  const query = sqlOf.unsafe(statement);
  let fail: (e: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {});
  const internal = query as unknown as { reject?: (e: unknown) => void };
  const reject = internal.reject;
  if (typeof reject === 'function') {
    internal.reject = (e) => {
      fail(e);
      reject(e);
    };
  }
  const stream = await query.writable();
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), failed]);
  }
  stream.end();
  await Promise.race([finished(stream), failed]);
}

/** Postgres' unique_violation: a COPY met an id that is already stored. */
const UNIQUE_VIOLATION = '23505';

/**
 * Postgres: a batch goes in by one binary COPY straight into `traffic` (the server parses the JSON
 * once, with no per-row statement overhead). COPY cannot skip conflicts, so a batch holding an id
 * already stored fails at that row, undone whole, and goes in again through a temporary staging
 * table and INSERT … SELECT … ON CONFLICT DO NOTHING. A first import takes the fast path, a re-import
 * the careful one. Batches run on pool connections, two at once if the pool has them; each commits
 * alone, so the caller undoes an abandoned import with `deleteImport`.
 */
export function copyTrafficWriter(db: Db, importId: number): TrafficWriter<CopyRows> {
  const client = (db as unknown as { $client: Sql }).$client;
  const columns = 'id, ts, request, metadata, response, replayable, format, import_id';
  const copyInto = (sqlOf: Sql | TransactionSql | ReservedSql, table: string, chunks: readonly Buffer[]) =>
    copyIn(sqlOf, `copy ${table} (${columns}) from stdin with (format binary)`, [COPY_HEADER, ...chunks, COPY_TRAILER]);
  const staged = (chunks: readonly Buffer[]) =>
    client.begin(async (tx) => {
      await tx.unsafe(`select pg_advisory_xact_lock_shared(${OWNERSHIP_LOCK})`);
      await tx.unsafe(`create temp table traffic_stage (like traffic including defaults) on commit drop`);
      await copyInto(tx, 'traffic_stage', chunks);
      const [row] = await tx.unsafe<Array<{ n: number; nr: number }>>(`
        with ins as (
          insert into traffic (${columns}) select ${columns} from traffic_stage
          on conflict (id) do nothing
          returning replayable
        )
        select count(*)::int as n, (count(*) filter (where not replayable))::int as nr from ins`);
      // A statement of its own: it sees the rows the insert waited on (committed by then). A duplicate
      // of a still running import's row is claimed, so that import's undoing cannot take it.
      await tx.unsafe(
        `insert into traffic_claims (import_id, traffic_id)
         select $1::int, t.id from traffic_stage s join traffic t on t.id = s.id join traffic_imports i on i.id = t.import_id
         where t.import_id <> $1::int and i.state = 'running'
         on conflict do nothing`,
        [importId],
      );
      return { inserted: Number(row?.n ?? 0), notReplayable: Number(row?.nr ?? 0) };
    });
  return {
    ...copyRowEncoder(importId),
    write: async (rows, notReplayable) => {
      const chunks = rows.seal();
      if (rows.rows === 0) return { inserted: 0, notReplayable: 0 };
      // A connection of its own: postgres.js would otherwise queue a second COPY onto a connection
      // whose COPY is still streaming (a pool of one), and the server fails both.
      const conn = await client.reserve();
      try {
        await copyInto(conn, 'traffic', chunks);
        return { inserted: rows.rows, notReplayable };
      } catch (e) {
        if ((e as { code?: unknown }).code !== UNIQUE_VIOLATION) throw e;
      } finally {
        conn.release();
      }
      return (await staged(chunks)) as InsertCounts;
    },
  };
}

/**
 * Bad lines per quarantine statement. Each statement carries its lines as one JSON parameter, so any
 * number of bad lines stays far from Postgres' 65,535 bind parameters (4 per line would pass it at
 * 16,384 lines) and from building one huge statement (which overflowed the stack).
 */
export const QUARANTINE_SLICE = 5000;

export async function insertQuarantine(
  db: Db,
  importId: number,
  lines: ReadonlyArray<{ file: string; line: number; reason: string }>,
): Promise<void> {
  for (let at = 0; at < lines.length; at += QUARANTINE_SLICE) {
    const slice = lines
      .slice(at, at + QUARANTINE_SLICE)
      .map((l) => ({ file: storableText(l.file), line: l.line, reason: storableText(l.reason) }));
    await db.execute(sql`
      insert into quarantine (import_id, file, line, reason)
      select ${importId}::int, x.file, x.line, x.reason
      from jsonb_to_recordset(${JSON.stringify(slice)}::jsonb) as x(file text, line int, reason text)
      on conflict do nothing`);
  }
}

export async function listImports(db: Db, limit = 20) {
  return db.select().from(trafficImports).orderBy(desc(trafficImports.id)).limit(limit);
}
