import { z } from 'zod';

/** Prices in US dollars per one million tokens. */
export const ModelPrice = z.object({
  input_per_m: z.number().min(0),
  output_per_m: z.number().min(0),
  /** Input tokens served from the provider's prompt cache; the input price when absent. */
  cached_input_per_m: z.number().min(0).optional(),
});
export type ModelPrice = z.infer<typeof ModelPrice>;

/** The wire format a model is called with (DESIGN.md §2). `openai` is any OpenAI-compatible server. */
export const ProviderKind = z.enum(['openai', 'azure-openai', 'anthropic', 'gemini', 'bedrock', 'watsonx']);
export type ProviderKind = z.infer<typeof ProviderKind>;

/**
 * What one provider kind needs beyond a URL and a key. Never a credential: only names, versions,
 * regions and the URL of an identity service (so tests can point it at loopback).
 */
export const ProviderOptions = z.strictObject({
  /** Azure OpenAI `api-version`, watsonx.ai `version`, Anthropic `anthropic-version`. */
  api_version: z.string().min(1).optional(),
  /** watsonx.ai: the project or deployment space the call is billed to. */
  project_id: z.string().min(1).optional(),
  space_id: z.string().min(1).optional(),
  /** watsonx.ai: the IBM Cloud IAM token endpoint. */
  auth_url: z.string().min(1).optional(),
  /** Bedrock: the AWS region to sign for (else AWS_REGION / AWS_DEFAULT_REGION). */
  region: z.string().min(1).optional(),
  /** Gemini: `api-key` (AI Studio, x-goog-api-key header) or `bearer` (Vertex AI access token). */
  auth: z.enum(['api-key', 'bearer']).optional(),
});
export type ProviderOptions = z.infer<typeof ProviderOptions>;

/**
 * One model of the catalog (`routelab models import`). Either a real endpoint (`base_url`, spoken to
 * in the wire format of `provider`) or a simulated one (`simulated`: absolute paths of the fleet and
 * answers files). `api_key_env` is the NAME of an environment variable; a key itself is never held
 * here. The fields added with provider kinds are optional so entries written before them still parse.
 */
export const CatalogEntry = z.object({
  name: z.string().min(1),
  /** Absent means `openai`. */
  provider: ProviderKind.optional(),
  /** The id sent upstream (Azure: the deployment; Bedrock: the model or inference profile id); absent means `name`. */
  model: z.string().min(1).optional(),
  base_url: z.string().nullable(),
  api_key_env: z.string().nullable(),
  /** Extra request headers (attribution, versions). Never a credential: the parser refuses those. */
  headers: z.record(z.string(), z.string()).optional(),
  options: ProviderOptions.optional(),
  price: ModelPrice,
  context_window: z.number().int().positive().nullable(),
  concurrency: z.number().int().positive(),
  rate_limit_rpm: z.number().int().positive().nullable(),
  rate_limit_tpm: z.number().int().positive().nullable().optional(),
  simulated: z.object({ fleet: z.string(), answers: z.string() }).nullable(),
  /** Seconds a cached answer of this model stays fresh (null or absent: until refreshed). */
  cache_ttl_s: z.number().int().positive().nullable().optional(),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

/** The kind of endpoint an entry is called with. */
export const providerOf = (e: Pick<CatalogEntry, 'provider'>): ProviderKind => e.provider ?? 'openai';

/** The model id sent upstream. */
export const upstreamModel = (e: Pick<CatalogEntry, 'name' | 'model'>): string => e.model ?? e.name;
