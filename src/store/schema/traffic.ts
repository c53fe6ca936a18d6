import {
  boolean,
  customType,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  doublePrecision,
} from 'drizzle-orm/pg-core';
import type { TrafficMetadata, TrafficRequest, TrafficResponse } from '../../domain/traffic-record.js';

export const trafficImports = pgTable('traffic_imports', {
  id: serial('id').primaryKey(),
  /** The files of one `traffic import` call, joined with ", " (batch input + output is one import). */
  file: text('file').notNull(),
  format: text('format').notNull(),
  imported: integer('imported').notNull().default(0),
  duplicates: integer('duplicates').notNull().default(0),
  quarantined: integer('quarantined').notNull().default(0),
  redacted: integer('redacted').notNull().default(0),
  notReplayable: integer('not_replayable').notNull().default(0),
  /**
   * running → completed, or abandoned (too many bad lines) / failed (an error, or its process gone).
   * Only a completed import's rows are sampled. Existing imports were all completed.
   */
  state: text('state').notNull().default('completed'),
  /** Why an import was abandoned or failed. */
  error: text('error'),
  /** The importing process (shown for a running import). */
  pid: integer('pid'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/**
 * Records an import met as duplicates of rows that a still running import inserted. Should that
 * import be abandoned or killed, it deletes only its rows nobody claimed; a claimed row passes to a
 * claimer (and counts as imported there), so the other import never loses what it read.
 */
export const trafficClaims = pgTable(
  'traffic_claims',
  {
    importId: integer('import_id').notNull(),
    trafficId: customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' })('traffic_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.trafficId, t.importId] })],
);

/**
 * Record ids are hex hashes: byte order ("C") sorts them the same on every server, and compares
 * them with memcmp instead of the locale's strcoll (the primary key is the costliest index on import).
 */
const recordIdText = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });

/**
 * `request` and `response` are `json` (validated, stored as written): they are read back whole for
 * replay and never searched inside, so jsonb's parse into a binary tree was a third of the server's
 * import cost. `metadata` stays jsonb: samples group and filter on it. `import_id` has no foreign key
 * to traffic_imports: a per-row key check doubled the server's COPY time; the import row is written
 * first and deleted last (deleteImport), so the reference holds by construction.
 */
export const traffic = pgTable(
  'traffic',
  {
    id: recordIdText('id').primaryKey(),
    ts: timestamp('ts', { withTimezone: true }).notNull(),
    request: json('request').$type<TrafficRequest>().notNull(),
    metadata: jsonb('metadata').$type<TrafficMetadata>().notNull(),
    response: json('response').$type<TrafficResponse>().notNull(),
    replayable: boolean('replayable').notNull(),
    format: text('format').notNull(),
    importId: integer('import_id'),
  },
  (t) => [index('traffic_ts').on(t.ts)],
);

/** Bad lines of an import: where and why, never their content (it may hold the secrets we redact). */
export const quarantine = pgTable(
  'quarantine',
  {
    importId: integer('import_id')
      .notNull()
      .references(() => trafficImports.id),
    file: text('file').notNull().default(''),
    line: integer('line').notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.file, t.line] })],
);

/** One stratum of a sample: how many records the window held and how many were drawn. */
export interface StratumCount {
  population: number;
  sampled: number;
}

export const samples = pgTable('samples', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  seed: text('seed').notNull(),
  /** Sampled share of the population: one sampled request stands for 1/rate real ones. */
  rate: doublePrecision('rate').notNull(),
  size: integer('size').notNull(),
  /** How it was drawn: `{stratify_by, min_per_stratum, since, until, requested_size, requested_rate}`. */
  method: jsonb('method').$type<Record<string, unknown>>().notNull(),
  strata: jsonb('strata').$type<Record<string, StratumCount>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const sampleItems = pgTable(
  'sample_items',
  {
    sampleId: integer('sample_id')
      .notNull()
      .references(() => samples.id),
    trafficId: recordIdText('traffic_id')
      .notNull()
      .references(() => traffic.id),
    stratum: text('stratum'),
  },
  (t) => [primaryKey({ columns: [t.sampleId, t.trafficId] })],
);
