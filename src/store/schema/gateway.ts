import { doublePrecision, index, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Gateway API keys (`routelab keys create`). Only the sha256 of the key is kept: keys are 32 random
 * bytes, so a fast hash is enough (no password stretching needed for high-entropy secrets).
 * `policies` / `projects` empty = any.
 */
export const gatewayKeys = pgTable('gateway_keys', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  /** The first characters of the key, shown by `keys list` to tell keys apart. */
  keyPrefix: text('key_prefix').notNull(),
  policies: jsonb('policies').$type<string[]>().notNull(),
  projects: jsonb('projects').$type<string[]>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/**
 * What a shadow variant did with a copy of a live request (`serve --shadow`), for the nightly to
 * compare with what was served. No message text: the traffic record (`traffic_id`) holds it, redacted.
 */
export const shadowOutcomes = pgTable(
  'shadow_outcomes',
  {
    id: serial('id').primaryKey(),
    ts: timestamp('ts', { withTimezone: true }).notNull(),
    trafficId: text('traffic_id').notNull(),
    policy: text('policy').notNull(),
    variant: text('variant').notNull(),
    servedBy: text('served_by'),
    status: integer('status'),
    attempts: integer('attempts').notNull(),
    latencyMs: doublePrecision('latency_ms'),
    costUsd: doublePrecision('cost_usd'),
    liveServedBy: text('live_served_by'),
    liveStatus: integer('live_status'),
  },
  (t) => [index('shadow_outcomes_ts').on(t.ts)],
);
