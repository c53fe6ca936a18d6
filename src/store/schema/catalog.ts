import { doublePrecision, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Model catalog. A key itself is never stored: only the name of the environment variable.
 * A model is either a real OpenAI-compatible endpoint (`base_url`) or simulated (`fleet_file` +
 * `answers_file`, absolute paths resolved at import time).
 */
export const models = pgTable('models', {
  name: text('name').primaryKey(),
  baseUrl: text('base_url'),
  apiKeyEnv: text('api_key_env'),
  inputPricePerM: doublePrecision('input_price_per_m').notNull().default(0),
  outputPricePerM: doublePrecision('output_price_per_m').notNull().default(0),
  contextWindow: integer('context_window'),
  concurrency: integer('concurrency').notNull().default(4),
  rateLimitRpm: integer('rate_limit_rpm'),
  fleetFile: text('fleet_file'),
  answersFile: text('answers_file'),
  /** Seconds a cached answer stays fresh; null: until a refresh re-asks it. */
  cacheTtlS: integer('cache_ttl_s'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
