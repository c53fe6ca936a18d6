import type { CatalogEntry } from '../domain/catalog-entry.js';
import { InputError, type Issue } from '../domain/errors.js';
import { parseCatalogText } from './catalog-parse.js';
import { loadFleet } from './fleet-load.js';
import { MAX_CATALOG_BYTES, readCappedText } from './read-capped.js';

/**
 * Read catalog.yaml and check what text alone cannot: each simulated model's fleet and answers
 * files load, and the fleet describes that model. Throws InputError naming file, line and field.
 */
export async function loadCatalogFile(file: string): Promise<CatalogEntry[]> {
  let text: string;
  try {
    text = await readCappedText(file, MAX_CATALOG_BYTES, 'catalogs');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read the catalog file ${file}`);
  }
  const parsed = parseCatalogText(text, file);
  if (!parsed.ok) throw new InputError(`catalog ${file} is not valid`, parsed.error);
  const issues: Issue[] = [];
  const fleets = new Map<string, Promise<Set<string>>>();
  for (const entry of parsed.value) {
    if (!entry.simulated) continue;
    const { fleet, answers } = entry.simulated;
    const id = `${fleet}\u0000${answers}`;
    if (!fleets.has(id))
      fleets.set(
        id,
        loadFleet(fleet, answers).then((f) => new Set(f.fleet.models.map((m) => m.name))),
      );
    const names = await (fleets.get(id) as Promise<Set<string>>);
    if (!names.has(entry.name))
      issues.push({ file, field: 'simulated.fleet', message: `model "${entry.name}" is not described in the fleet ${fleet}` });
  }
  if (issues.length > 0) throw new InputError(`catalog ${file} is not valid`, issues);
  return parsed.value;
}
