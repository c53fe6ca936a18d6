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
        baseUrl: sql`excluded.base_url`,
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
  const rows = await db.select().from(models).where(inArray(models.name, [...new Set(names)]));
  return new Map(rows.map((r) => [r.name, fromRow(r)]));
}

function toRow(e: CatalogEntry): typeof models.$inferInsert {
  return {
    name: e.name,
    baseUrl: e.base_url,
    apiKeyEnv: e.api_key_env,
    inputPricePerM: e.price.input_per_m,
    outputPricePerM: e.price.output_per_m,
    contextWindow: e.context_window,
    concurrency: e.concurrency,
    rateLimitRpm: e.rate_limit_rpm,
    fleetFile: e.simulated?.fleet ?? null,
    answersFile: e.simulated?.answers ?? null,
    cacheTtlS: e.cache_ttl_s ?? null,
  };
}

function fromRow(r: ModelRow): CatalogEntry {
  return CatalogEntry.parse({
    name: r.name,
    base_url: r.baseUrl,
    api_key_env: r.apiKeyEnv,
    price: { input_per_m: r.inputPricePerM, output_per_m: r.outputPricePerM },
    context_window: r.contextWindow,
    concurrency: r.concurrency,
    rate_limit_rpm: r.rateLimitRpm,
    simulated: r.fleetFile && r.answersFile ? { fleet: r.fleetFile, answers: r.answersFile } : null,
    ...(r.cacheTtlS !== null ? { cache_ttl_s: r.cacheTtlS } : {}),
  });
}
