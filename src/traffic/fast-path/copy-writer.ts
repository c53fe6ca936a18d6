// Postgres' fast write path: binary COPY of traffic batches, with a staging table for batches that meet stored ids.
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { ReservedSql, Sql, TransactionSql } from 'postgres';
import { COPY_HEADER, COPY_TRAILER, copyRowEncoder, type CopyRows } from './copy-rows.js';
import { isConnectionLoss } from '../../store/connection-loss.js';
import type { Db } from '../../store/db.js';
import { OWNERSHIP_LOCK } from '../../store/repos/traffic-import-repo.js';
import type { InsertCounts, TrafficWriter } from '../../store/repos/traffic-repo.js';
import { TRAFFIC_COLUMN_LIST } from '../../store/traffic-columns.js';

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
  const columns = TRAFFIC_COLUMN_LIST;
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
      let lost = false;
      try {
        await copyInto(conn, 'traffic', chunks);
        return { inserted: rows.rows, notReplayable };
      } catch (e) {
        lost = isConnectionLoss(e);
        if ((e as { code?: unknown }).code !== UNIQUE_VIOLATION) throw e;
      } finally {
        // Not released when its socket went: postgres.js (3.4.9) puts a released connection back into
        // its pool as open even when it closed meanwhile (the server went away mid-COPY), and the next
        // statement given it never settles. Unreleased, the pool takes it back as closed once the
        // socket closes, and reconnects it when needed.
        if (!lost) conn.release();
      }
      return (await staged(chunks)) as InsertCounts;
    },
  };
}
