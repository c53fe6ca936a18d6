import { getTableColumns } from 'drizzle-orm';
import { traffic } from './schema/traffic.js';

/**
 * The traffic table's columns in schema order (schema/traffic.ts): the one list every traffic write
 * names — the JSON writer's insert, the binary COPY and its staging insert. The binary encoder
 * (src/traffic/fast-path/copy-rows.ts) writes its fields in this order; test/unit/store/traffic-columns.test.ts holds the two together.
 */
export const TRAFFIC_COLUMNS: readonly string[] = Object.values(getTableColumns(traffic)).map((c) => c.name);

/** `id, ts, request, …, import_id`, for a statement's column list. */
export const TRAFFIC_COLUMN_LIST = TRAFFIC_COLUMNS.join(', ');

/** The columns a record carries (all but import_id, which the writer adds). */
export const TRAFFIC_RECORD_COLUMNS = TRAFFIC_COLUMNS.filter((c) => c !== 'import_id');

/** `id text, ts timestamp with time zone, …`: a record set of traffic rows from JSON (collations dropped). */
export const TRAFFIC_RECORD_TYPES = Object.values(getTableColumns(traffic))
  .filter((c) => c.name !== 'import_id')
  .map((c) => `${c.name} ${c.getSQLType().replace(/\s+COLLATE\s+"[^"]*"/i, '')}`)
  .join(', ');
