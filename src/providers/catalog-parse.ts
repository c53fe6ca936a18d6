import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { CatalogEntry, ModelPrice } from '../domain/catalog-entry.js';
import type { Issue } from '../domain/errors.js';
import { err, ok, type Result } from '../domain/result.js';
import { isSecretFieldName, looksLikeSecret, urlCarriesSecret } from '../redact/looks-like-secret.js';
import { catalogSafetyProblems } from './catalog-safety.js';
import { dottedPath, parseLocatedYaml, zodIssues, type LocatedYaml } from './yaml-document.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One model as written in catalog.yaml (paths still relative to the file). */
const CatalogFileModel = z
  .strictObject({
    name: z.string().min(1),
    base_url: z
      .string()
      .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL, e.g. https://api.openai.com/v1')
      .optional(),
    api_key_env: z.string().regex(ENV_NAME, 'must name an environment variable, e.g. OPENAI_API_KEY').optional(),
    price: ModelPrice,
    context_window: z.number().int().positive().optional(),
    concurrency: z.number().int().positive().default(4),
    rate_limit_rpm: z.number().int().positive().optional(),
    simulated: z.strictObject({ fleet: z.string().min(1), answers: z.string().min(1) }).optional(),
    allow_env: z.boolean().optional(),
    allow_http: z.boolean().optional(),
  })
  .refine((m) => (m.base_url === undefined) !== (m.simulated === undefined), {
    message: 'give either base_url (a real endpoint) or simulated: {fleet, answers}, not both or neither',
  });

const CatalogFile = z.strictObject({ models: z.array(z.unknown()).min(1, 'the catalog lists no models') });

const KEY_IN_FILE =
  'looks like a credential: a key is never written to the catalog; put it in an environment variable and name that variable with api_key_env';

/** Parse catalog.yaml text. Simulated paths are resolved against the catalog file's folder. */
export function parseCatalogText(text: string, file: string): Result<CatalogEntry[], Issue[]> {
  const parsed = parseLocatedYaml(text, file);
  if (!parsed.ok) return parsed;
  const doc = parsed.value;
  const secrets = findSecrets(doc, doc.value, []);
  if (secrets.length > 0) return err(secrets);
  const top = CatalogFile.safeParse(doc.value ?? {});
  if (!top.success) return err(zodIssues(top.error, doc));
  const issues: Issue[] = [];
  const entries: CatalogEntry[] = [];
  const seen = new Map<string, number>();
  const base = dirname(resolve(file));
  top.data.models.forEach((raw, i) => {
    const m = CatalogFileModel.safeParse(raw);
    if (!m.success) {
      issues.push(...zodIssues(m.error, doc, ['models', i]));
      return;
    }
    const first = seen.get(m.data.name);
    if (first !== undefined) {
      issues.push(at(doc, ['models', i, 'name'], `model "${m.data.name}" is listed twice (first at models[${first}])`));
      return;
    }
    seen.set(m.data.name, i);
    for (const p of catalogSafetyProblems(m.data)) issues.push(at(doc, ['models', i, p.field], p.message));
    entries.push({
      name: m.data.name,
      base_url: m.data.base_url ?? null,
      api_key_env: m.data.api_key_env ?? null,
      price: m.data.price,
      context_window: m.data.context_window ?? null,
      concurrency: m.data.concurrency,
      rate_limit_rpm: m.data.rate_limit_rpm ?? null,
      simulated: m.data.simulated ? { fleet: resolve(base, m.data.simulated.fleet), answers: resolve(base, m.data.simulated.answers) } : null,
    });
  });
  return issues.length > 0 ? err(issues) : ok(entries);
}

function at(doc: LocatedYaml, path: PropertyKey[], message: string): Issue {
  return { file: doc.file, line: doc.lineOf(path), path: dottedPath(path), message };
}

/** Every field or value that looks like a key. The message never repeats the value. */
function findSecrets(doc: LocatedYaml, value: unknown, path: PropertyKey[]): Issue[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findSecrets(doc, v, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const p = [...path, k];
      if (isSecretFieldName(k) && v !== null && v !== '') return [at(doc, p, `field "${k}" ${KEY_IN_FILE}`)];
      return findSecrets(doc, v, p);
    });
  }
  if (typeof value !== 'string') return [];
  const field = String(path[path.length - 1] ?? '');
  if (field === 'base_url') return urlCarriesSecret(value) ? [at(doc, path, `the URL carries a credential; ${KEY_IN_FILE}`)] : [];
  // Names and file paths are the user's own identifiers; a key never belongs there by mistake.
  if (field === 'name' || field === 'fleet' || field === 'answers') return [];
  return looksLikeSecret(value) ? [at(doc, path, `the value ${KEY_IN_FILE}`)] : [];
}
