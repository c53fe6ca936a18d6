import { boolean, doublePrecision, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Model catalog. A key itself is never stored: only the name of the environment variable. */
export const models = pgTable('models', {
  name: text('name').primaryKey(),
  baseUrl: text('base_url').notNull(),
  apiKeyEnv: text('api_key_env'),
  inputPricePerM: doublePrecision('input_price_per_m').notNull().default(0),
  outputPricePerM: doublePrecision('output_price_per_m').notNull().default(0),
  contextWindow: integer('context_window'),
  concurrency: integer('concurrency').notNull().default(4),
  rateLimitRpm: integer('rate_limit_rpm'),
  simulated: boolean('simulated').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
