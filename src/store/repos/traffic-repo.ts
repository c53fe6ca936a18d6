import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { quarantine, traffic, trafficImports } from '../schema/traffic.js';
import type { TrafficRecord } from '../../domain/traffic-record.js';

/** Both drivers answer `execute` differently: postgres.js with an array, PGlite with `{rows}`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

export async function createImport(db: Db, files: string[], format: string): Promise<number> {
  const [row] = await db.insert(trafficImports).values({ file: files.join(', '), format }).returning({ id: trafficImports.id });
  if (!row) throw new Error('traffic_imports insert returned no row');
  return row.id;
}

export interface ImportCounts {
  imported: number;
  duplicates: number;
  quarantined: number;
  redacted: number;
  notReplayable: number;
}

export async function finishImport(db: Db, importId: number, counts: ImportCounts): Promise<void> {
  await db.update(trafficImports).set(counts).where(eq(trafficImports.id, importId));
}

/**
 * Insert a batch in one statement with one parameter (the batch as JSON): far cheaper than one bind
 * parameter per column per row, and the same on both drivers. Ids already stored are skipped.
 */
export async function insertTraffic(db: Db, importId: number, records: TrafficRecord[]): Promise<{ inserted: number; notReplayable: number }> {
  if (records.length === 0) return { inserted: 0, notReplayable: 0 };
  const payload = JSON.stringify(
    records.map((r) => ({ id: r.id, ts: r.timestamp, request: r.request, metadata: r.metadata, response: r.response, replayable: r.replayable, format: r.format })),
  );
  const insert = sql`
    with ins as (
      insert into traffic (id, ts, request, metadata, response, replayable, format, import_id)
      select x.id, x.ts, x.request, x.metadata, x.response, x.replayable, x.format, ${importId}::int
      from jsonb_to_recordset(${payload}::jsonb)
        as x(id text, ts timestamptz, request jsonb, metadata jsonb, response jsonb, replayable boolean, format text)
      on conflict (id) do nothing
      returning replayable
    )
    select count(*)::int as n, (count(*) filter (where not replayable))::int as nr from ins`;
  const [row] = rowsOf<{ n: number; nr: number }>(await db.execute(insert));
  return { inserted: Number(row?.n ?? 0), notReplayable: Number(row?.nr ?? 0) };
}

export async function insertQuarantine(db: Db, importId: number, lines: Array<{ file: string; line: number; reason: string }>): Promise<void> {
  if (lines.length === 0) return;
  await db
    .insert(quarantine)
    .values(lines.map((l) => ({ importId, file: l.file, line: l.line, reason: l.reason })))
    .onConflictDoNothing();
}

export async function listImports(db: Db, limit = 20) {
  return db.select().from(trafficImports).orderBy(desc(trafficImports.id)).limit(limit);
}

/** Remove everything an import wrote (an abandoned import on Postgres, where writes run in parallel). */
export async function deleteImport(db: Db, importId: number): Promise<void> {
  await db.delete(quarantine).where(eq(quarantine.importId, importId));
  await db.delete(traffic).where(eq(traffic.importId, importId));
  await db.delete(trafficImports).where(eq(trafficImports.id, importId));
}
