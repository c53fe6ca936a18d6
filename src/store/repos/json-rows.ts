// Raw-statement helpers shared by the run repositories: rows on either driver, bulk insert through one JSON parameter.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db.js';

/** Rows of a raw statement on either driver (PGlite returns `{rows}`, postgres.js an array). */
export async function query<T>(db: Db, statement: SQL): Promise<T[]> {
  const r = (await db.execute(statement)) as unknown;
  return Array.isArray(r) ? (r as T[]) : ((r as { rows: T[] }).rows ?? []);
}

/**
 * Bulk insert through one JSON parameter expanded by `json_to_recordset`: a single round trip and a
 * single statement per batch, on both drivers, close to COPY speed. ON CONFLICT DO NOTHING makes a
 * redelivered job's second write a no-op. Table and column names are constants of this file.
 */
export async function insertJsonRows(
  db: Db,
  table: string,
  columns: ReadonlyArray<readonly [string, string]>,
  rows: readonly object[],
  batch = 5_000,
): Promise<number> {
  const names = columns.map(([n]) => n).join(', ');
  const defs = columns.map(([n, t]) => `${n} ${t}`).join(', ');
  const insertPart = async (from: number): Promise<number> => {
    const part = JSON.stringify(rows.slice(from, from + batch));
    const res = (await db.execute(
      sql`insert into ${sql.raw(table)} (${sql.raw(names)}) select ${sql.raw(names)} from json_to_recordset(${part}::json) as x(${sql.raw(defs)}) on conflict do nothing`,
    )) as unknown as { count?: number; affectedRows?: number };
    // postgres.js reports `count`, PGlite `affectedRows`: rows really inserted (conflicts excluded).
    return Number(res.count ?? res.affectedRows ?? 0);
  };
  // Two statements in flight: the server parses one batch's JSON while the next is sent (on a pool;
  // PGlite runs them one after the other). Rows are independent, so order does not matter.
  let inserted = 0;
  for (let i = 0; i < rows.length; i += 2 * batch) {
    const counts = await Promise.all([insertPart(i), ...(i + batch < rows.length ? [insertPart(i + batch)] : [])]);
    for (const n of counts) inserted += n;
  }
  return inserted;
}
