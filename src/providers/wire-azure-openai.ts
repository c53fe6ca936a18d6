import type { ProviderAdapter } from './provider-adapter.js';
import { decodeChoices, decodeChunks, jsonHeaders, openaiErrorIn, openaiMessage, trimSlash } from './wire-openai.js';
import { catalogKey, str } from './wire-kit.js';

const DEFAULT_API_VERSION = '2024-10-21';

/**
 * Azure OpenAI: POST {base}/deployments/{deployment}/chat/completions?api-version=…, key in the
 * `api-key` header. base_url is the resource's `https://{resource}.openai.azure.com/openai`; the
 * catalog `model` is the deployment name. Bodies are OpenAI's.
 */
export const azureOpenaiAdapter: ProviderAdapter = {
  defaultBaseUrl: () => undefined,
  prepare: async (ctx) => {
    const auth = catalogKey(ctx);
    if ('failed' in auth) return auth.failed;
    const { key } = auth;
    const headers = jsonHeaders(ctx);
    if (key) headers['api-key'] = key;
    const version = encodeURIComponent(ctx.entry.options?.api_version ?? DEFAULT_API_VERSION);
    const body = JSON.stringify({ ...ctx.params, model: undefined, messages: ctx.messages.map(openaiMessage), stream: false });
    return {
      url: `${trimSlash(ctx.baseUrl)}/deployments/${encodeURIComponent(ctx.model)}/chat/completions?api-version=${version}`,
      headers,
      body,
      secrets: key ? [key] : [],
    };
  },
  errorIn: (json) => openaiErrorIn(json),
  decode: (json) => decodeChoices(json, str(json.model) ?? null),
  decodeStream: (events) => decodeChunks(events, openaiErrorIn, 'model'),
};
