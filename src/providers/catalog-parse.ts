import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { CatalogEntry, ModelPrice, ProviderKind, ProviderOptions } from '../domain/catalog-entry.js';
import type { Issue } from '../domain/errors.js';
import { err, ok, type Result } from '../domain/result.js';
import { isSecretFieldName, looksLikeSecret, urlCarriesSecret } from '../redact/looks-like-secret.js';
import { catalogSafetyProblems } from './catalog-safety.js';
import { dottedPath, parseLocatedYaml, zodIssues, type LocatedYaml } from './yaml-document.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Kinds whose public endpoint is known, so base_url may be left out (each adapter's defaultBaseUrl). */
const DEFAULT_ENDPOINT: ReadonlySet<string> = new Set(['anthropic', 'gemini', 'bedrock', 'watsonx']);

/** Headers that carry credentials: those come from api_key_env (or the AWS chain), never the file. */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie|api-key|x-api-key|x-goog-api-key|x-amz-security-token)$/i;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

const Headers = z
  .record(
    z.string().regex(HEADER_NAME, 'is not an HTTP header name'),
    z
      .string()
      .max(1000)
      .regex(/^[^\r\n]*$/, 'must be one line'),
  )
  .refine((h) => !Object.keys(h).some((k) => CREDENTIAL_HEADER.test(k)), {
    message: 'carries a credential header: name the variable holding the key with api_key_env instead',
  });

/** One model as written in catalog.yaml (paths still relative to the file). */
const CatalogFileModel = z
  .strictObject({
    name: z.string().min(1),
    provider: ProviderKind.default('openai'),
    model: z.string().min(1).optional(),
    base_url: z
      .string()
      .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL, e.g. https://api.openai.com/v1')
      .optional(),
    api_key_env: z.string().regex(ENV_NAME, 'must name an environment variable, e.g. OPENAI_API_KEY').optional(),
    headers: Headers.optional(),
    options: ProviderOptions.optional(),
    price: ModelPrice,
    context_window: z.number().int().positive().optional(),
    concurrency: z.number().int().positive().default(4),
    rate_limit_rpm: z.number().int().positive().optional(),
    rate_limit_tpm: z.number().int().positive().optional(),
    /** Seconds a cached answer stays fresh (`cache_ttl` says the same as a duration). */
    cache_ttl_s: z.number().int().positive().optional(),
    simulated: z.strictObject({ fleet: z.string().min(1), answers: z.string().min(1) }).optional(),
    /** Seconds, or a duration like 90m, 24h, 7d: how long a cached answer stays fresh. */
    cache_ttl: z
      .union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,6}[smhd]$/, 'must be seconds or a duration like 90m, 24h or 7d')])
      .optional(),
    allow_env: z.boolean().optional(),
    allow_http: z.boolean().optional(),
  })
  .refine(
    (m) => (m.base_url === undefined && !DEFAULT_ENDPOINT.has(m.provider)) !== (m.simulated === undefined) && !(m.base_url && m.simulated),
    {
      message: 'give either base_url (a real endpoint) or simulated: {fleet, answers}, not both or neither',
    },
  );

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
      ...(m.data.provider !== 'openai' ? { provider: m.data.provider } : {}),
      ...(m.data.model !== undefined ? { model: m.data.model } : {}),
      base_url: m.data.base_url ?? null,
      api_key_env: m.data.api_key_env ?? null,
      ...(m.data.headers ? { headers: m.data.headers } : {}),
      ...(m.data.options ? { options: m.data.options } : {}),
      price: m.data.price,
      context_window: m.data.context_window ?? null,
      concurrency: m.data.concurrency,
      rate_limit_rpm: m.data.rate_limit_rpm ?? null,
      ...(m.data.rate_limit_tpm !== undefined ? { rate_limit_tpm: m.data.rate_limit_tpm } : {}),
      ...(m.data.cache_ttl_s !== undefined ? { cache_ttl_s: m.data.cache_ttl_s } : {}),
      simulated: m.data.simulated
        ? { fleet: resolve(base, m.data.simulated.fleet), answers: resolve(base, m.data.simulated.answers) }
        : null,
      ...(m.data.cache_ttl !== undefined ? { cache_ttl_s: ttlSeconds(m.data.cache_ttl) } : {}),
    });
  });
  return issues.length > 0 ? err(issues) : ok(entries);
}

const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

function ttlSeconds(ttl: number | string): number {
  if (typeof ttl === 'number') return ttl;
  return Number(ttl.slice(0, -1)) * (UNIT_S[ttl.slice(-1)] ?? 1);
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
  if (field === 'base_url' || field === 'auth_url')
    return urlCarriesSecret(value) ? [at(doc, path, `the URL carries a credential; ${KEY_IN_FILE}`)] : [];
  // Names and file paths are the user's own identifiers; a key never belongs there by mistake.
  if (field === 'name' || field === 'fleet' || field === 'answers') return [];
  return looksLikeSecret(value) ? [at(doc, path, `the value ${KEY_IN_FILE}`)] : [];
}
