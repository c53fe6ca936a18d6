import type { CatalogEntry } from '../domain/catalog-entry.js';
import { InputError } from '../domain/errors.js';
import type { TrafficRequest } from '../domain/traffic-record.js';
import { replayParams } from '../replay/replay-params.js';
import type { Store } from '../store/db.js';
import { listModels } from '../store/repos/catalog-repo.js';
import { cacheKey } from '../store/repos/response-cache-repo.js';
import { importExists, purgeTrafficRows, type PurgeCounts, type PurgeSelector } from '../store/repos/traffic-purge-repo.js';

export type { PurgeCounts, PurgeSelector };

/**
 * `routelab traffic purge`: remove stored traffic (one import, or everything before a time) and
 * everything derived from it. Cached answers are found by recomputing their keys for every catalog
 * model, with the params as replay sends them and as earlier versions sent them (unfiltered).
 */
export async function purgeTraffic(store: Store, selector: PurgeSelector): Promise<PurgeCounts> {
  if (selector.kind === 'import' && !(await importExists(store.db, selector.importId))) {
    throw new InputError(`--import: there is no import ${selector.importId} (see \`routelab traffic imports\`)`);
  }
  const models = await listModels(store.db);
  return purgeTrafficRows(store.db, selector, (request) => cacheKeysOf(request, models));
}

function cacheKeysOf(request: TrafficRequest, models: readonly CatalogEntry[]): string[] {
  const messages = request.messages.map((m) => ({ role: m.role, content: m.content }));
  const sent = replayParams(request.params);
  return models.flatMap((model) => [cacheKey(model, messages, sent), cacheKey(model, messages, request.params)]);
}

/** `--before T`: an ISO-8601 time, or an InputError naming the flag. */
export function parseBefore(text: string): Date {
  const d = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(d.getTime()))
    throw new InputError(`--before: "${text}" is not an ISO-8601 time, e.g. 2026-11-01 or 2026-11-01T12:00:00Z`);
  return d;
}
