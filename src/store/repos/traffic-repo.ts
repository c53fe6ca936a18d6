// Traffic rows in (any driver, one JSON parameter per batch) and quarantined lines.
import { sql } from 'drizzle-orm';
import type { TrafficRecord } from '../../domain/traffic-record.js';
import type { Db } from '../db.js';
import type { RowSink } from '../row-sink.js';
import { storableText } from '../storable.js';
import { TRAFFIC_COLUMN_LIST, TRAFFIC_RECORD_COLUMNS, TRAFFIC_RECORD_TYPES } from '../traffic-columns.js';

/** Both drivers answer `execute` differently: postgres.js with an array, PGlite with `{rows}`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
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
          insert into traffic (${sql.raw(TRAFFIC_COLUMN_LIST)})
          select ${sql.raw(TRAFFIC_RECORD_COLUMNS.map((c) => `x.${c}`).join(', '))}, ${importId}::int
          from jsonb_to_recordset(${`[${rows.join(',')}]`}::jsonb) as x(${sql.raw(TRAFFIC_RECORD_TYPES)})
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
