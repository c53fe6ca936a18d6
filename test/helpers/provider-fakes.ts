import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CatalogEntry, ProviderKind } from '../../src/domain/catalog-entry.js';
import { startFaultServer, type Fault, type FaultServer, type ReceivedRequest } from './fault-server.js';

/**
 * Loopback fakes of each provider's wire format, built from the providers' documented request and
 * response shapes and error bodies (OpenAI chat completions, Azure OpenAI deployments, Anthropic
 * Messages, Gemini generateContent, Bedrock Converse, watsonx.ai text/chat with IBM Cloud IAM).
 * One fault server serves every kind, each under its own first path segment (`/anthropic/...`);
 * a request that is not what the provider accepts gets that provider's 400, so a test asking for an
 * answer also checks the request.
 */

export const KEY = 'sk-canary-7f3a9c2e5b1d4f6a8c0e2b4d6f8a0c2e';
export const IAM_TOKEN = 'iam-canary-token-0b9d8e7f6a5c4b3a2918f7e6';
const ACCESS_KEY_ID = 'AKIDCANARYEXAMPLE';
const REGION = 'eu-west-1';

/** Every credential the fakes hand out or expect: none may appear in a result, log or error. */
export const CANARIES = [KEY, IAM_TOKEN];

/** Usage every fake reports for an answer: 1000 input tokens of which 400 cached, 200 output. */
export const USAGE = { input: 1000, cached: 400, output: 200 } as const;

export interface ProviderFake {
  kind: ProviderKind;
  /** The environment the chat client needs for this kind. */
  env: Record<string, string>;
  /** A catalog entry of this kind pointing at the fake on `origin`. */
  entry(origin: string, name?: string, over?: Partial<CatalogEntry>): CatalogEntry;
  /** Cached input tokens the kind's usage reports (watsonx reports none). */
  cached: number;
  ok(text: string): unknown;
  /** The provider's own error body for an HTTP status. */
  error(status: number, message: string): unknown;
  /** A rate-limit error the provider (or a gateway in front) puts inside a 200. */
  errorIn200(): unknown;
  /** Why the request is not one this provider accepts; undefined when it is. */
  check(req: ReceivedRequest): string | undefined;
  /**
   * The same answer as the provider's documented server-sent events (`cut`: without its final
   * event), and a stream whose events end in an error with the status it means. Absent for Bedrock,
   * whose streams are binary AWS event streams.
   */
  stream?: { ok(text: string, cut?: boolean): string; error(): { body: string; status: number } };
}

const sse = (events: Array<{ event?: string; data: unknown }>) =>
  events
    .map((e) => `${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`)
    .join('');

/** chat.completion.chunk events, usage in the last chunk (stream_options.include_usage). */
const openaiStream = (model: string, cached: boolean, modelField = 'model'): NonNullable<ProviderFake['stream']> => ({
  ok: (text, cut = false) => {
    const half = Math.ceil(text.length / 2);
    const chunk = (delta: unknown, finish: string | null, usage?: unknown) => ({
      id: 'c1',
      object: 'chat.completion.chunk',
      [modelField]: model,
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...(usage ? { usage } : {}),
    });
    const events = [
      { data: chunk({ role: 'assistant', content: text.slice(0, half) }, null) },
      { data: chunk({ content: text.slice(half) }, null) },
      {
        data: chunk({}, 'stop', {
          prompt_tokens: USAGE.input,
          completion_tokens: USAGE.output,
          ...(cached ? { prompt_tokens_details: { cached_tokens: USAGE.cached } } : {}),
        }),
      },
      { data: '[DONE]' },
    ];
    return sse(cut ? events.slice(0, 2) : events);
  },
  error: () => ({
    body: sse([
      { data: { id: 'c1', [modelField]: model, choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] } },
      { data: { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } } },
    ]),
    status: 429,
  }),
});

const json = (req: ReceivedRequest): Record<string, unknown> | undefined => {
  try {
    const v = JSON.parse(req.body) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};
const price = { input_per_m: 3, output_per_m: 15, cached_input_per_m: 0.3 };
const base = (name: string, kind: ProviderKind, baseUrl: string, over: Partial<CatalogEntry>): CatalogEntry => ({
  name,
  provider: kind,
  model: `upstream-${kind}`,
  base_url: baseUrl,
  api_key_env: 'PROVIDER_KEY',
  price,
  context_window: null,
  concurrency: 4,
  rate_limit_rpm: null,
  simulated: null,
  ...over,
});
const openaiOk = (text: string, model: string, cached: boolean, modelField = 'model') => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  [modelField]: model,
  choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  usage: {
    prompt_tokens: USAGE.input,
    completion_tokens: USAGE.output,
    total_tokens: USAGE.input + USAGE.output,
    ...(cached ? { prompt_tokens_details: { cached_tokens: USAGE.cached } } : {}),
  },
});
const openaiError = (status: number, message: string) => ({
  error: {
    message,
    type: status === 429 ? 'rate_limit_error' : status === 401 ? 'invalid_request_error' : 'server_error',
    code: status === 429 ? 'rate_limit_exceeded' : null,
  },
});
const hasMessages = (b: Record<string, unknown> | undefined) => Array.isArray(b?.messages) && (b.messages as unknown[]).length > 0;

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};
const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};
const BEDROCK_TYPES: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  401: 'UnrecognizedClientException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

export const FAKES: Record<ProviderKind, ProviderFake> = {
  openai: {
    kind: 'openai',
    env: { PROVIDER_KEY: KEY },
    entry: (origin, name = 'fake/openai', over = {}) => base(name, 'openai', `${origin}/openai/v1`, { model: 'gpt-fake', ...over }),
    cached: USAGE.cached,
    ok: (text) => openaiOk(text, 'gpt-fake-2024', true),
    error: openaiError,
    errorIn200: () => ({ error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } }),
    stream: openaiStream('gpt-fake-2024', true),
    check: (req) => {
      const b = json(req);
      if (!/^\/openai\/v1\/chat\/completions$/.test(req.path)) return `path ${req.path}`;
      if (req.headers.authorization !== `Bearer ${KEY}`) return 'authorization';
      if (typeof b?.model !== 'string' || !hasMessages(b) || b.stream !== false) return 'body';
      return undefined;
    },
  },
  'azure-openai': {
    kind: 'azure-openai',
    env: { PROVIDER_KEY: KEY },
    entry: (origin, name = 'fake/azure', over = {}) =>
      base(name, 'azure-openai', `${origin}/azure-openai/openai`, { model: 'gpt-4o', options: { api_version: '2024-10-21' }, ...over }),
    cached: USAGE.cached,
    ok: (text) => openaiOk(text, 'gpt-4o-2024-08-06', true),
    error: (status, message) => ({ error: { code: String(status === 429 ? '429' : status), message } }),
    errorIn200: () => ({
      error: { code: '429', message: 'Requests to the ChatCompletions_Create Operation have exceeded the rate limit' },
    }),
    stream: openaiStream('gpt-4o-2024-08-06', true),
    check: (req) => {
      if (!/^\/azure-openai\/openai\/deployments\/[^/]+\/chat\/completions\?api-version=\d{4}-\d{2}-\d{2}(-preview)?$/.test(req.path))
        return `path ${req.path}`;
      if (req.headers['api-key'] !== KEY || req.headers.authorization) return 'api-key';
      return hasMessages(json(req)) ? undefined : 'body';
    },
  },
  anthropic: {
    kind: 'anthropic',
    env: { PROVIDER_KEY: KEY },
    entry: (origin, name = 'fake/anthropic', over = {}) =>
      base(name, 'anthropic', `${origin}/anthropic/v1`, { model: 'claude-fake', ...over }),
    cached: USAGE.cached,
    ok: (text) => ({
      id: 'msg_01',
      type: 'message',
      role: 'assistant',
      model: 'claude-fake-20241022',
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      usage: {
        input_tokens: USAGE.input - USAGE.cached,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: USAGE.cached,
        output_tokens: USAGE.output,
      },
    }),
    error: (status, message) => ({ type: 'error', error: { type: ANTHROPIC_TYPES[status] ?? 'api_error', message } }),
    errorIn200: () => ({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' },
    }),
    stream: {
      ok: (text, cut = false) => {
        const events = [
          {
            event: 'message_start',
            data: {
              type: 'message_start',
              message: {
                id: 'msg_01',
                type: 'message',
                role: 'assistant',
                model: 'claude-fake-20241022',
                content: [],
                usage: {
                  input_tokens: USAGE.input - USAGE.cached,
                  cache_creation_input_tokens: 0,
                  cache_read_input_tokens: USAGE.cached,
                  output_tokens: 1,
                },
              },
            },
          },
          { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
          { event: 'ping', data: { type: 'ping' } },
          { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } } },
          { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
          {
            event: 'message_delta',
            data: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: USAGE.output } },
          },
          { event: 'message_stop', data: { type: 'message_stop' } },
        ];
        return sse(cut ? events.slice(0, 4) : events);
      },
      // The documented mid-stream failure: an overloaded_error event after the answer began.
      error: () => ({
        body: sse([
          {
            event: 'message_start',
            data: {
              type: 'message_start',
              message: { id: 'msg_01', model: 'claude-fake-20241022', content: [], usage: { input_tokens: 10, output_tokens: 1 } },
            },
          },
          { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
        ]),
        status: 503,
      }),
    },
    check: (req) => {
      const b = json(req);
      if (req.path !== '/anthropic/v1/messages') return `path ${req.path}`;
      if (req.headers['x-api-key'] !== KEY || !req.headers['anthropic-version']) return 'x-api-key / anthropic-version';
      if (typeof b?.model !== 'string' || typeof b.max_tokens !== 'number' || !hasMessages(b)) return 'body';
      const roles = (b.messages as Array<{ role: string }>).map((m) => m.role);
      if (roles.some((r) => r !== 'user' && r !== 'assistant')) return 'roles';
      return undefined;
    },
  },
  gemini: {
    kind: 'gemini',
    env: { PROVIDER_KEY: KEY },
    entry: (origin, name = 'fake/gemini', over = {}) =>
      base(name, 'gemini', `${origin}/gemini/v1beta`, { model: 'gemini-fake-flash', ...over }),
    cached: USAGE.cached,
    ok: (text) => ({
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: USAGE.input,
        cachedContentTokenCount: USAGE.cached,
        candidatesTokenCount: USAGE.output - 50,
        thoughtsTokenCount: 50,
        totalTokenCount: USAGE.input + USAGE.output,
      },
      modelVersion: 'gemini-fake-flash',
    }),
    error: (status, message) => ({ error: { code: status, message, status: GOOGLE_STATUS[status] ?? 'UNKNOWN' } }),
    errorIn200: () => ({ error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } }),
    stream: {
      ok: (text, cut = false) => {
        const half = Math.ceil(text.length / 2);
        const events = [
          {
            data: {
              candidates: [{ content: { role: 'model', parts: [{ text: text.slice(0, half) }] }, index: 0 }],
              modelVersion: 'gemini-fake-flash',
            },
          },
          {
            data: {
              candidates: [{ content: { role: 'model', parts: [{ text: text.slice(half) }] }, finishReason: 'STOP', index: 0 }],
              usageMetadata: {
                promptTokenCount: USAGE.input,
                cachedContentTokenCount: USAGE.cached,
                candidatesTokenCount: USAGE.output - 50,
                thoughtsTokenCount: 50,
              },
              modelVersion: 'gemini-fake-flash',
            },
          },
        ];
        return sse(cut ? events.slice(0, 1) : events);
      },
      error: () => ({
        body: sse([{ data: { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } } }]),
        status: 503,
      }),
    },
    check: (req) => {
      const b = json(req);
      if (!/^\/gemini\/v1beta\/models\/[^/?]+:generateContent$/.test(req.path)) return `path ${req.path}`;
      if (req.headers['x-goog-api-key'] !== KEY) return 'x-goog-api-key';
      return Array.isArray(b?.contents) && (b.contents as unknown[]).length > 0 ? undefined : 'body';
    },
  },
  bedrock: {
    kind: 'bedrock',
    env: { AWS_ACCESS_KEY_ID: ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: KEY, AWS_SESSION_TOKEN: `${KEY}-session`, AWS_REGION: REGION },
    entry: (origin, name = 'fake/bedrock', over = {}) =>
      base(name, 'bedrock', `${origin}/bedrock`, { api_key_env: null, model: 'anthropic.claude-fake-v1:0', ...over }),
    cached: USAGE.cached,
    ok: (text) => ({
      output: { message: { role: 'assistant', content: [{ text }] } },
      stopReason: 'end_turn',
      usage: {
        inputTokens: USAGE.input - USAGE.cached,
        outputTokens: USAGE.output,
        totalTokens: USAGE.input + USAGE.output,
        cacheReadInputTokens: USAGE.cached,
        cacheWriteInputTokens: 0,
      },
      metrics: { latencyMs: 321 },
    }),
    error: (status, message) => ({ message, __type: `com.amazon.coral.service#${BEDROCK_TYPES[status] ?? 'InternalServerException'}` }),
    errorIn200: () => ({ message: 'Too many requests, please wait before trying again.', __type: 'ThrottlingException' }),
    check: (req) => {
      if (!/^\/bedrock\/model\/[^/]+\/converse$/.test(req.path)) return `path ${req.path}`;
      if (req.headers['x-amz-security-token'] !== `${KEY}-session`) return 'x-amz-security-token';
      if (!hasMessages(json(req))) return 'body';
      return undefined;
    },
  },
  watsonx: {
    kind: 'watsonx',
    env: { PROVIDER_KEY: KEY },
    entry: (origin, name = 'fake/watsonx', over = {}) =>
      base(name, 'watsonx', `${origin}/watsonx`, {
        model: 'ibm/granite-fake-instruct',
        options: { project_id: 'proj-1', auth_url: `${origin}/iam/identity/token` },
        ...over,
      }),
    cached: 0,
    ok: (text) => openaiOk(text, 'ibm/granite-fake-instruct', false, 'model_id'),
    error: (status, message) => ({
      errors: [
        { code: status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'authentication_token_expired' : 'internal_error', message },
      ],
      trace: 'abc',
      status_code: status,
    }),
    errorIn200: () => ({ errors: [{ code: 'rate_limit_exceeded', message: 'too many requests' }], trace: 'abc', status_code: 429 }),
    stream: openaiStream('ibm/granite-fake-instruct', false, 'model_id'),
    check: (req) => {
      const b = json(req);
      if (!/^\/watsonx\/ml\/v1\/text\/chat\?version=\d{4}-\d{2}-\d{2}$/.test(req.path)) return `path ${req.path}`;
      if (req.headers.authorization !== `Bearer ${IAM_TOKEN}`) return 'authorization';
      if (typeof b?.model_id !== 'string' || (typeof b.project_id !== 'string' && typeof b.space_id !== 'string') || !hasMessages(b))
        return 'body';
      return undefined;
    },
  },
};

export const KINDS = Object.keys(FAKES) as ProviderKind[];

/** True for the IBM Cloud IAM token endpoint of the watsonx fake. */
export const isIamRequest = (req: ReceivedRequest) => req.path.startsWith('/iam/');

/** The IAM answer: a token for the right key and grant type, IAM's 400 otherwise. */
export function iamReply(req: ReceivedRequest): Fault {
  const form = new URLSearchParams(req.body);
  if (
    req.headers['content-type'] !== 'application/x-www-form-urlencoded' ||
    form.get('grant_type') !== 'urn:ibm:params:oauth:grant-type:apikey' ||
    form.get('apikey') !== KEY
  ) {
    return { kind: 'json', status: 400, body: { errorCode: 'BXNIM0415E', errorMessage: 'Provided API key could not be found.' } };
  }
  return {
    kind: 'json',
    status: 200,
    body: {
      access_token: IAM_TOKEN,
      refresh_token: 'not_supported',
      token_type: 'Bearer',
      expires_in: 3600,
      expiration: 1_900_000_000,
      scope: 'ibm openid',
    },
  };
}

/** The kind a request was for, by its first path segment. */
export function kindOfRequest(req: ReceivedRequest): ProviderKind | undefined {
  const seg = /^\/([^/?]+)/.exec(req.path)?.[1];
  return KINDS.find((k) => k === seg);
}

/** Bedrock: recompute the SigV4 signature from what arrived; a mismatch is AWS's 403. */
export async function bedrockSignatureOk(req: ReceivedRequest, port: number): Promise<boolean> {
  const auth = String(req.headers.authorization ?? '');
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/bedrock\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  const date = String(req.headers['x-amz-date'] ?? '');
  if (!m || m[1] !== ACCESS_KEY_ID || m[3] !== REGION || !/^\d{8}T\d{6}Z$/.test(date)) return false;
  const headers: Record<string, string> = {};
  for (const h of (m[4] as string).split(';')) headers[h] = String(req.headers[h] ?? '');
  const signer = new SignatureV4({
    service: 'bedrock',
    region: REGION,
    sha256: Sha256,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: KEY, sessionToken: `${KEY}-session` },
  });
  const when = new Date(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
  const signed = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: req.path, query: {}, headers, body: req.body },
    { signingDate: when },
  );
  return String(signed.headers.authorization ?? '').endsWith(`Signature=${m[5]}`);
}

/**
 * One loopback server for every kind: IAM token requests answered, a malformed request refused with
 * its provider's 400, anything else given `fault(kind, req, tag)`. A path may start with `/t-<tag>`
 * (an entry made with origin `${origin}/t-<tag>`), so one server can script a fault per model.
 */
export async function startProviderFakes(
  fault: (kind: ProviderKind, req: ReceivedRequest, tag: string | undefined) => Fault,
): Promise<
  FaultServer & { origin: string; calls(kind: ProviderKind): ReceivedRequest[]; tagOf(req: ReceivedRequest): string | undefined }
> {
  const untag = (req: ReceivedRequest) => {
    const m = /^\/t-([A-Za-z0-9_-]+)(\/.*)$/.exec(req.path);
    return m ? { tag: m[1], req: { ...req, path: m[2] as string } } : { tag: undefined, req };
  };
  const server = await startFaultServer((_n, received) => {
    const { tag, req } = untag(received);
    if (isIamRequest(req)) return iamReply(req);
    const kind = kindOfRequest(req);
    if (!kind) return { kind: 'json', status: 404, body: { error: { message: `no fake at ${req.path}` } } };
    const wrong = FAKES[kind].check(req);
    if (wrong) return { kind: 'json', status: 400, body: FAKES[kind].error(400, `malformed request: ${wrong}`) };
    return fault(kind, req, tag);
  });
  const origin = server.baseUrl.replace(/\/v1$/, '');
  return {
    ...server,
    origin,
    calls: (kind) => server.requests.filter((r) => kindOfRequest(untag(r).req) === kind),
    tagOf: (req) => untag(req).tag,
  };
}
