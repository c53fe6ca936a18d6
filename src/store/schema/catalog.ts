import { doublePrecision, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Model catalog. A key itself is never stored: only the name of the environment variable.
 * A model is either a real endpoint of its provider kind (`base_url`) or simulated (`fleet_file` +
 * `answers_file`, absolute paths resolved at import time).
 */
export const models = pgTable('models', {
  name: text('name').primaryKey(),
  /** Wire format (openai, azure-openai, anthropic, gemini, bedrock, watsonx). */
  provider: text('provider').notNull().default('openai'),
  /** Upstream model id; null means the name. */
  upstreamModel: text('upstream_model'),
  baseUrl: text('base_url'),
  apiKeyEnv: text('api_key_env'),
  /** Extra request headers (never credentials: the catalog parser refuses those). */
  headers: jsonb('headers').$type<Record<string, string>>(),
  /** Provider options: api_version, project_id, space_id, auth_url, region, auth. */
  providerOptions: jsonb('provider_options').$type<Record<string, string>>(),
  inputPricePerM: doublePrecision('input_price_per_m').notNull().default(0),
  outputPricePerM: doublePrecision('output_price_per_m').notNull().default(0),
  cachedInputPricePerM: doublePrecision('cached_input_price_per_m'),
  contextWindow: integer('context_window'),
  concurrency: integer('concurrency').notNull().default(4),
  rateLimitRpm: integer('rate_limit_rpm'),
  rateLimitTpm: integer('rate_limit_tpm'),
  fleetFile: text('fleet_file'),
  answersFile: text('answers_file'),
  /** Seconds a cached answer stays fresh; null: until a refresh re-asks it. */
  cacheTtlS: integer('cache_ttl_s'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
