import { asc, inArray, sql } from 'drizzle-orm';
import { CatalogEntry } from '../../domain/catalog-entry.js';
import type { Db } from '../db.js';
import { models } from '../schema/catalog.js';

type ModelRow = typeof models.$inferSelect;

/** Insert or update catalog entries by name; returns how many were new and how many changed. */
export async function upsertModels(db: Db, entries: CatalogEntry[]): Promise<{ added: number; updated: number }> {
  if (entries.length === 0) return { added: 0, updated: 0 };
  const names = entries.map((e) => e.name);
  const existing = new Set((await db.select({ name: models.name }).from(models).where(inArray(models.name, names))).map((r) => r.name));
  await db
    .insert(models)
    .values(entries.map(toRow))
    .onConflictDoUpdate({
      target: models.name,
      set: {
        provider: sql`excluded.provider`,
        upstreamModel: sql`excluded.upstream_model`,
        baseUrl: sql`excluded.base_url`,
        headers: sql`excluded.headers`,
        providerOptions: sql`excluded.provider_options`,
        cachedInputPricePerM: sql`excluded.cached_input_price_per_m`,
        rateLimitTpm: sql`excluded.rate_limit_tpm`,
        apiKeyEnv: sql`excluded.api_key_env`,
        inputPricePerM: sql`excluded.input_price_per_m`,
        outputPricePerM: sql`excluded.output_price_per_m`,
        contextWindow: sql`excluded.context_window`,
        concurrency: sql`excluded.concurrency`,
        rateLimitRpm: sql`excluded.rate_limit_rpm`,
        fleetFile: sql`excluded.fleet_file`,
        answersFile: sql`excluded.answers_file`,
        cacheTtlS: sql`excluded.cache_ttl_s`,
        updatedAt: sql`now()`,
      },
    });
  const added = names.filter((n) => !existing.has(n)).length;
  return { added, updated: names.length - added };
}

export async function listModels(db: Db): Promise<CatalogEntry[]> {
  return (await db.select().from(models).orderBy(asc(models.name))).map(fromRow);
}

/** The named models that are in the catalog; a name that is not is simply absent from the map. */
export async function getModels(db: Db, names: string[]): Promise<Map<string, CatalogEntry>> {
  if (names.length === 0) return new Map();
  const rows = await db
    .select()
    .from(models)
    .where(inArray(models.name, [...new Set(names)]));
  return new Map(rows.map((r) => [r.name, fromRow(r)]));
}

function toRow(e: CatalogEntry): typeof models.$inferInsert {
  return {
    name: e.name,
    provider: e.provider ?? 'openai',
    upstreamModel: e.model ?? null,
    baseUrl: e.base_url,
    apiKeyEnv: e.api_key_env,
    headers: e.headers ?? null,
    providerOptions: e.options ?? null,
    inputPricePerM: e.price.input_per_m,
    outputPricePerM: e.price.output_per_m,
    cachedInputPricePerM: e.price.cached_input_per_m ?? null,
    contextWindow: e.context_window,
    concurrency: e.concurrency,
    rateLimitRpm: e.rate_limit_rpm,
    rateLimitTpm: e.rate_limit_tpm ?? null,
    fleetFile: e.simulated?.fleet ?? null,
    answersFile: e.simulated?.answers ?? null,
    cacheTtlS: e.cache_ttl_s ?? null,
  };
}

function fromRow(r: ModelRow): CatalogEntry {
  return CatalogEntry.parse({
    name: r.name,
    // Rows written before provider kinds read exactly as they did: openai, the name sent upstream.
    ...(r.provider !== 'openai' ? { provider: r.provider } : {}),
    ...(r.upstreamModel !== null ? { model: r.upstreamModel } : {}),
    base_url: r.baseUrl,
    api_key_env: r.apiKeyEnv,
    ...(r.headers ? { headers: r.headers } : {}),
    ...(r.providerOptions ? { options: r.providerOptions } : {}),
    price: {
      input_per_m: r.inputPricePerM,
      output_per_m: r.outputPricePerM,
      ...(r.cachedInputPricePerM !== null ? { cached_input_per_m: r.cachedInputPricePerM } : {}),
    },
    context_window: r.contextWindow,
    concurrency: r.concurrency,
    rate_limit_rpm: r.rateLimitRpm,
    ...(r.rateLimitTpm !== null ? { rate_limit_tpm: r.rateLimitTpm } : {}),
    simulated: r.fleetFile && r.answersFile ? { fleet: r.fleetFile, answers: r.answersFile } : null,
    ...(r.cacheTtlS !== null ? { cache_ttl_s: r.cacheTtlS } : {}),
  });
}
