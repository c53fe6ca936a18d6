import { z } from 'zod';

/** Prices in US dollars per one million tokens. */
export const ModelPrice = z.object({
  input_per_m: z.number().min(0),
  output_per_m: z.number().min(0),
});
export type ModelPrice = z.infer<typeof ModelPrice>;

/**
 * One model of the catalog (`routelab models import`). Either a real OpenAI-compatible endpoint
 * (`base_url`) or a simulated one (`simulated`: absolute paths of the fleet and answers files).
 * `api_key_env` is the NAME of an environment variable; a key itself is never held here.
 */
export const CatalogEntry = z.object({
  name: z.string().min(1),
  base_url: z.string().nullable(),
  api_key_env: z.string().nullable(),
  price: ModelPrice,
  context_window: z.number().int().positive().nullable(),
  concurrency: z.number().int().positive(),
  rate_limit_rpm: z.number().int().positive().nullable(),
  simulated: z.object({ fleet: z.string(), answers: z.string() }).nullable(),
  /** Seconds a cached answer of this model stays fresh (null or absent: until refreshed). */
  cache_ttl_s: z.number().int().positive().nullable().optional(),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;
