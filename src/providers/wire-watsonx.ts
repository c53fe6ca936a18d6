import type { CatalogEntry } from '../domain/catalog-entry.js';
import { failure, kindOf, type Classified } from './classified.js';
import { missingKey, type PrepareContext, type ProviderAdapter, type WireError } from './provider-adapter.js';
import { excerpt } from './excerpt.js';
import { parseRetryAfter } from './retry-after.js';
import { decodeChoices, decodeChunks, jsonHeaders, openaiErrorIn, openaiMessage, trimSlash } from './wire-openai.js';
import { finite, isObject, numericStatus, statusOfErrorText, str, tryJson } from './wire-kit.js';

const DEFAULT_VERSION = '2024-10-08';
export const IBM_IAM_URL = 'https://iam.cloud.ibm.com/identity/token';

interface Token {
  value: string;
  /** Refresh from this instant on (ms): well before the token really expires. */
  refreshAt: number;
}

/**
 * IBM watsonx.ai chat (POST {base}/ml/v1/text/chat?version=…) with the catalog's IBM Cloud API key
 * exchanged for an IAM bearer token (grant_type urn:ibm:params:oauth:grant-type:apikey). Tokens are
 * cached per IAM URL and key in this client only (never stored) and refreshed once 80% of their life
 * has passed; a 401 from watsonx drops the cached token. The token request goes over the same
 * transport, deadline and signal as the call it serves, so an IAM fault is classified like any other.
 */
export function createWatsonxAdapter(): ProviderAdapter {
  const tokens = new Map<string, Token>();
  const cacheId = (entry: CatalogEntry, key: string) => `${entry.options?.auth_url ?? IBM_IAM_URL}\u0000${key}`;
  const keyOf = (entry: CatalogEntry, env: Record<string, string | undefined>) => (entry.api_key_env ? env[entry.api_key_env] : undefined);

  const token = async (ctx: PrepareContext, key: string): Promise<string | Classified> => {
    const id = cacheId(ctx.entry, key);
    const cached = tokens.get(id);
    if (cached && ctx.now() < cached.refreshAt) return cached.value;
    const body = `grant_type=${encodeURIComponent('urn:ibm:params:oauth:grant-type:apikey')}&apikey=${encodeURIComponent(key)}`;
    const reply = await ctx.transport.post(
      ctx.entry.options?.auth_url ?? IBM_IAM_URL,
      { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': 'routelab' },
      body,
      ctx.signal,
    );
    const json = tryJson(reply.body);
    if (reply.status >= 200 && reply.status < 300 && isObject(json) && typeof json.access_token === 'string') {
      const life = (finite(json.expires_in) ?? 3600) * 1000;
      tokens.set(id, { value: json.access_token, refreshAt: ctx.now() + life * 0.8 });
      return json.access_token;
    }
    // IAM answers 400 for an unknown or revoked key: to a policy that is an auth failure.
    const status = reply.status === 400 || (reply.status >= 200 && reply.status < 300) ? 401 : reply.status;
    const what = isObject(json) ? (str(json.errorMessage) ?? str(json.message) ?? '') : excerpt(reply.body, 60);
    const retry = status === 429 || status === 503 ? parseRetryAfter({ retryAfter: reply.headers['retry-after'] }, ctx.now()) : undefined;
    return failure(status, kindOf(status), `IBM Cloud IAM refused the token request (HTTP ${reply.status}): ${excerpt(what, 120)}`, retry);
  };

  return {
    defaultBaseUrl: () => 'https://us-south.ml.cloud.ibm.com',
    prepare: async (ctx) => {
      const env = ctx.entry.api_key_env;
      if (!env)
        return failure(401, 'auth', `${ctx.entry.name}: watsonx.ai needs api_key_env naming the variable that holds an IBM Cloud API key`);
      const key = ctx.env[env];
      if (!key) {
        const m = missingKey(env, ctx.entry);
        return failure(m.status, 'auth', m.message);
      }
      const { project_id, space_id, api_version } = ctx.entry.options ?? {};
      if (!project_id && !space_id)
        return failure(400, 'client', `${ctx.entry.name}: watsonx.ai needs options.project_id or options.space_id in the catalog`);
      const bearer = await token(ctx, key);
      if (typeof bearer !== 'string') return bearer;
      const headers = jsonHeaders(ctx);
      headers.authorization = `Bearer ${bearer}`;
      const body = {
        ...ctx.params,
        model: undefined,
        stream: undefined,
        model_id: ctx.model,
        ...(project_id ? { project_id } : { space_id }),
        messages: ctx.messages.map(openaiMessage),
      };
      const url = `${trimSlash(ctx.baseUrl)}/ml/v1/text/chat?version=${encodeURIComponent(api_version ?? DEFAULT_VERSION)}`;
      return { url, headers, body: JSON.stringify(body), secrets: [key, bearer] };
    },
    errorIn: (json) => watsonxErrorIn(json),
    decode: (json) => decodeChoices(json, str(json.model_id) ?? str(json.model) ?? null),
    decodeStream: (events) => decodeChunks(events, watsonxErrorIn, 'model_id'),
    afterCall: (entry, env, status) => {
      if (status !== 401) return;
      const key = keyOf(entry, env);
      if (key) tokens.delete(cacheId(entry, key));
    },
  };
}

/** `{errors: [{code, message}], status_code}`, or the OpenAI shape some gateways in front use. */
export function watsonxErrorIn(json: Record<string, unknown>): WireError | undefined {
  if (!Array.isArray(json.errors) || Array.isArray(json.choices)) return openaiErrorIn(json);
  const first = json.errors.find(isObject) ?? {};
  const code = str(first.code) ?? '';
  const status = numericStatus(json.status_code) ?? statusOfErrorText(code);
  return { status, message: excerpt(`${code}${code ? ': ' : ''}${str(first.message) ?? ''}`, 160) };
}
