import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { partsOf, textOf, type ChatMessage, type ChatReply, type ToolCall } from './chat-message.js';
import { failure } from './classified.js';
import { missingKey, type ProviderAdapter, type WireError } from './provider-adapter.js';
import { excerpt } from './excerpt.js';
import { jsonHeaders, trimSlash } from './wire-openai.js';
import { dataUrl, finite, isObject, maxTokens, num, opt, parseArgs, statusOfErrorText, stopList, str, sum, toolSpecs } from './wire-kit.js';

/**
 * AWS Bedrock Converse (POST {base}/model/{modelId}/converse), signed with SigV4 by AWS's own signer
 * (@smithy/signature-v4) from the standard environment credentials: AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, region from the catalog or AWS_REGION /
 * AWS_DEFAULT_REGION. A catalog `api_key_env` instead sends a Bedrock API key as a bearer token.
 * Profiles, SSO and instance metadata are not read: a worker gets its credentials in its environment.
 */
export const bedrockAdapter: ProviderAdapter = {
  defaultBaseUrl: (entry, env) => {
    const region = regionOf(entry.options?.region, env);
    return region ? `https://bedrock-runtime.${region}.amazonaws.com` : undefined;
  },
  prepare: async (ctx) => {
    const body = JSON.stringify(converseBody(ctx.messages, ctx.params));
    const url = new URL(`${trimSlash(ctx.baseUrl)}/model/${encodeURIComponent(ctx.model)}/converse`);
    const headers = jsonHeaders(ctx);
    const env = ctx.entry.api_key_env;
    if (env) {
      const key = ctx.env[env];
      if (!key) {
        const m = missingKey(env, ctx.entry);
        return failure(m.status, 'auth', m.message);
      }
      headers.authorization = `Bearer ${key}`;
      return { url: url.toString(), headers, body, secrets: [key] };
    }
    const accessKeyId = ctx.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = ctx.env.AWS_SECRET_ACCESS_KEY;
    const sessionToken = ctx.env.AWS_SESSION_TOKEN || undefined;
    if (!accessKeyId || !secretAccessKey)
      return failure(
        401,
        'auth',
        `AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (the credentials ${ctx.entry.name} is signed with)`,
      );
    const region = regionOf(ctx.entry.options?.region, ctx.env) ?? /bedrock-runtime\.([a-z0-9-]+)\./.exec(url.hostname)?.[1];
    if (!region) return failure(400, 'client', `no AWS region for ${ctx.entry.name}: set options.region in the catalog or AWS_REGION`);
    const signer = new SignatureV4({
      service: 'bedrock',
      region,
      sha256: Sha256,
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    });
    // Keys come from the catalog's base_url and the signer's output: no prototype for them to hit.
    const query = Object.fromEntries(url.searchParams) as Record<string, string>;
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query,
        headers: { ...headers, host: url.host },
        body,
      },
      // Real time, not the run's clock: AWS refuses a signature more than 5 minutes off.
      { signingDate: new Date() },
    );
    const out = Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k.toLowerCase() !== 'host')) as Record<string, string>;
    const signature = /Signature=([0-9a-f]+)/.exec(out.authorization ?? '')?.[1];
    return {
      url: url.toString(),
      headers: out,
      body,
      secrets: [secretAccessKey, accessKeyId, ...(sessionToken ? [sessionToken] : []), ...(signature ? [signature] : [])],
    };
  },
  errorIn: (json, httpStatus) => bedrockErrorIn(json, httpStatus),
  decode: (json) => {
    const msg = isObject(json.output) && isObject(json.output.message) ? json.output.message : undefined;
    if (!msg || !Array.isArray(msg.content)) return undefined;
    let text = '';
    const tool_calls: ToolCall[] = [];
    for (const b of msg.content) {
      if (!isObject(b)) continue;
      if (typeof b.text === 'string') text += b.text;
      if (isObject(b.toolUse) && typeof b.toolUse.name === 'string')
        tool_calls.push({ id: str(b.toolUse.toolUseId) ?? '', name: b.toolUse.name, arguments: JSON.stringify(b.toolUse.input ?? {}) });
    }
    const u = isObject(json.usage) ? json.usage : {};
    const uncached = finite(u.inputTokens);
    const read = finite(u.cacheReadInputTokens);
    // As with Anthropic's models: inputTokens leaves out what was read from or written to the cache.
    const input = uncached === null ? null : sum(uncached, read, finite(u.cacheWriteInputTokens));
    return {
      text,
      tool_calls,
      answered_by: null,
      usage: { input_tokens: input, output_tokens: finite(u.outputTokens), cached_input_tokens: read, reasoning_tokens: null },
    } satisfies ChatReply;
  },
};

function regionOf(region: string | undefined, env: Record<string, string | undefined>): string | undefined {
  const r = region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return r && /^[a-z0-9-]{1,40}$/.test(r) ? r : undefined;
}

/**
 * Bedrock errors are `{message}` (sometimes `Message`) with the exception named in the
 * x-amzn-ErrorType header or `__type`; inside a 200 only when `output` is missing.
 */
export function bedrockErrorIn(json: Record<string, unknown>, httpStatus: number): WireError | undefined {
  const message = str(json.message) ?? str(json.Message);
  if (message === undefined || isObject(json.output)) return undefined;
  const type = str(json.__type)?.split('#').pop() ?? '';
  const status =
    httpStatus >= 400
      ? httpStatus
      : type === 'ModelTimeoutException'
        ? 408
        : type === 'ModelNotReadyException'
          ? 503
          : statusOfErrorText(`${type} ${message}`);
  return { status, message: excerpt(type ? `${type}: ${message}` : message, 160) };
}

const isSystem = (m: ChatMessage) => m.role === 'system' || m.role === 'developer';

function converseBody(messages: ChatMessage[], params: Record<string, unknown>): Record<string, unknown> {
  const system = messages.filter(isSystem).map((m) => ({ text: textOf(m.content) }));
  const out: Array<{ role: 'user' | 'assistant'; content: unknown[] }> = [];
  for (const m of messages.filter((x) => !isSystem(x))) {
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const blocks: unknown[] =
      m.role === 'tool'
        ? [{ toolResult: { toolUseId: m.tool_call_id ?? '', content: [{ text: textOf(m.content) }] } }]
        : partsOf(m.content).map((p) => (p.type === 'text' ? { text: p.text } : imageBlock(p.url, p.media_type)));
    for (const c of m.tool_calls ?? []) blocks.push({ toolUse: { toolUseId: c.id, name: c.name, input: parseArgs(c.arguments) } });
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  const config = {
    ...opt('maxTokens', maxTokens(params)),
    ...opt('temperature', num(params, 'temperature')),
    ...opt('topP', num(params, 'top_p')),
    ...opt('stopSequences', stopList(params)),
  };
  const tools = toolSpecs(params);
  return {
    messages: out,
    ...(system.length ? { system } : {}),
    ...(Object.keys(config).length ? { inferenceConfig: config } : {}),
    ...(tools.length
      ? {
          toolConfig: {
            tools: tools.map((t) => ({
              toolSpec: {
                name: t.name,
                ...(t.description ? { description: t.description } : {}),
                inputSchema: { json: t.parameters ?? { type: 'object' } },
              },
            })),
          },
        }
      : {}),
  };
}

/** Converse takes images as bytes or an S3 location; any other reference stays a visible text note. */
function imageBlock(url: string, mediaType: string | undefined): unknown {
  const d = dataUrl(url);
  const format = (mediaType ?? d?.media_type ?? '').split('/')[1] ?? 'png';
  if (d) return { image: { format: format || 'png', source: { bytes: d.data } } };
  if (url.startsWith('s3://')) return { image: { format: format || guessFormat(url), source: { s3Location: { uri: url } } } };
  return { text: `[image: ${url}]` };
}

function guessFormat(url: string): string {
  const ext = /\.([a-z]{3,4})$/i.exec(url.slice(-10))?.[1]?.toLowerCase();
  return ext === 'jpg' ? 'jpeg' : ext && ['png', 'jpeg', 'gif', 'webp'].includes(ext) ? ext : 'png';
}
