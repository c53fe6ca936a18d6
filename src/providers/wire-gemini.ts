import { partsOf, textOf, type ChatMessage, type ChatReply, type ToolCall } from './chat-message.js';
import type { ProviderAdapter, WireError } from './provider-adapter.js';
import { excerpt } from './excerpt.js';
import { RETRY_AFTER_CAP_MS } from './retry-after.js';
import { jsonHeaders, trimSlash } from './wire-openai.js';
import {
  catalogKey,
  dataUrl,
  finite,
  isObject,
  maxTokens,
  num,
  numericStatus,
  opt,
  parseArgs,
  statusOfErrorText,
  stopList,
  str,
  sum,
  toolSpecs,
  tryJson,
} from './wire-kit.js';

/**
 * Gemini generateContent: AI Studio (`{base}/models/{model}:generateContent`, key in the
 * x-goog-api-key header rather than `?key=`, so it never sits in a URL) or Vertex AI (`auth: bearer`,
 * base_url `https://{location}-aiplatform.googleapis.com/v1/projects/{p}/locations/{l}/publishers/google`,
 * the variable holding an access token, e.g. from `gcloud auth print-access-token`).
 */
export const geminiAdapter: ProviderAdapter = {
  defaultBaseUrl: () => 'https://generativelanguage.googleapis.com/v1beta',
  prepare: async (ctx) => {
    const auth = catalogKey(ctx);
    if ('failed' in auth) return auth.failed;
    const { key } = auth;
    const headers = jsonHeaders(ctx);
    if (key) {
      if (ctx.entry.options?.auth === 'bearer') headers.authorization = `Bearer ${key}`;
      else headers['x-goog-api-key'] = key;
    }
    const system = ctx.messages
      .filter(isSystem)
      .map((m) => textOf(m.content))
      .join('\n\n');
    const tools = toolSpecs(ctx.params);
    const config = {
      ...opt('temperature', num(ctx.params, 'temperature')),
      ...opt('topP', num(ctx.params, 'top_p')),
      ...opt('maxOutputTokens', maxTokens(ctx.params)),
      ...opt('stopSequences', stopList(ctx.params)),
      ...opt('seed', num(ctx.params, 'seed')),
    };
    const body = {
      contents: contents(ctx.messages.filter((m) => !isSystem(m))),
      ...(system ? { systemInstruction: { parts: [{ text: system }] } } : {}),
      ...(Object.keys(config).length ? { generationConfig: config } : {}),
      ...(tools.length
        ? {
            tools: [
              {
                functionDeclarations: tools.map((t) => ({
                  name: t.name,
                  ...(t.description ? { description: t.description } : {}),
                  ...(t.parameters ? { parameters: t.parameters } : {}),
                })),
              },
            ],
          }
        : {}),
    };
    const model = ctx.model.startsWith('models/') ? ctx.model.slice('models/'.length) : ctx.model;
    return {
      url: `${trimSlash(ctx.baseUrl)}/models/${encodeURIComponent(model)}:generateContent`,
      headers,
      body: JSON.stringify(body),
      secrets: key ? [key] : [],
    };
  },
  errorIn: (json) => geminiErrorIn(json),
  decodeStream: (events) => {
    // streamGenerateContent?alt=sse: each event a GenerateContentResponse; parts concatenate,
    // usageMetadata is cumulative (the last one counts), a finishReason ends the answer.
    const chunks: ChatReply[] = [];
    let done = false;
    for (const e of events) {
      const json = tryJson(e.data);
      if (!isObject(json)) continue;
      const err = geminiErrorIn(json);
      if (err) return err;
      const r = geminiAdapter.decode(json);
      if (r) chunks.push(r);
      const cand = Array.isArray(json.candidates) ? json.candidates[0] : undefined;
      if (isObject(cand) && typeof cand.finishReason === 'string') done = true;
    }
    const last = chunks[chunks.length - 1];
    if (!done || !last) return undefined;
    return {
      text: chunks.map((c) => c.text).join(''),
      tool_calls: chunks.flatMap((c) => c.tool_calls),
      answered_by: last.answered_by,
      usage: last.usage,
    };
  },
  decode: (json) => {
    if (!Array.isArray(json.candidates) && !isObject(json.promptFeedback)) return undefined;
    const cand = Array.isArray(json.candidates) ? json.candidates[0] : undefined;
    const parts = isObject(cand) && isObject(cand.content) && Array.isArray(cand.content.parts) ? cand.content.parts : [];
    let text = '';
    const tool_calls: ToolCall[] = [];
    parts.forEach((p, i) => {
      if (!isObject(p) || p.thought === true) return;
      if (typeof p.text === 'string') text += p.text;
      if (isObject(p.functionCall) && typeof p.functionCall.name === 'string')
        tool_calls.push({
          id: str(p.functionCall.id) ?? `call_${i}`,
          name: p.functionCall.name,
          arguments: JSON.stringify(p.functionCall.args ?? {}),
        });
    });
    const u = isObject(json.usageMetadata) ? json.usageMetadata : {};
    const candidates = finite(u.candidatesTokenCount);
    const thoughts = finite(u.thoughtsTokenCount);
    // promptTokenCount includes cached content; thinking is billed as output but counted apart.
    const output = candidates === null && thoughts === null ? (finite(u.promptTokenCount) !== null ? 0 : null) : sum(candidates, thoughts);
    return {
      text,
      tool_calls,
      answered_by: str(json.modelVersion) ?? null,
      usage: {
        input_tokens: finite(u.promptTokenCount),
        output_tokens: output,
        cached_input_tokens: finite(u.cachedContentTokenCount),
        reasoning_tokens: thoughts,
      },
    } satisfies ChatReply;
  },
};

/** `{error: {code, message, status}}` (Google RPC), with RetryInfo's retryDelay when present. */
export function geminiErrorIn(json: Record<string, unknown>): WireError | undefined {
  if (!isObject(json.error) || Array.isArray(json.candidates)) return undefined;
  const e = json.error;
  const status = numericStatus(e.code) ?? statusOfErrorText(str(e.status) ?? '');
  let retry_after_ms: number | undefined;
  for (const d of Array.isArray(e.details) ? e.details : []) {
    const delay = isObject(d) ? str(d.retryDelay) : undefined;
    const m = delay ? /^(\d{1,9})(\.\d+)?s$/.exec(delay) : null;
    if (m) retry_after_ms = Math.min(RETRY_AFTER_CAP_MS, Math.round(Number(`${m[1]}${m[2] ?? ''}`) * 1000));
  }
  return {
    status,
    message: excerpt(`${str(e.status) ?? ''}${e.status ? ': ' : ''}${str(e.message) ?? ''}`, 160),
    ...(retry_after_ms !== undefined ? { retry_after_ms } : {}),
  };
}

const isSystem = (m: ChatMessage) => m.role === 'system' || m.role === 'developer';

function contents(messages: ChatMessage[]): Array<{ role: 'user' | 'model'; parts: unknown[] }> {
  // A functionResponse names the function, not the call: find it from the call id.
  const names = new Map<string, string>();
  for (const m of messages) for (const c of m.tool_calls ?? []) names.set(c.id, c.name);
  const out: Array<{ role: 'user' | 'model'; parts: unknown[] }> = [];
  for (const m of messages) {
    const role = m.role === 'assistant' ? 'model' : 'user';
    const parts: unknown[] =
      m.role === 'tool'
        ? [{ functionResponse: { name: names.get(m.tool_call_id ?? '') ?? m.name ?? 'tool', response: { content: textOf(m.content) } } }]
        : partsOf(m.content).map((p) => (p.type === 'text' ? { text: p.text } : imagePart(p.url, p.media_type)));
    for (const c of m.tool_calls ?? []) parts.push({ functionCall: { name: c.name, args: parseArgs(c.arguments) } });
    const last = out[out.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else out.push({ role, parts });
  }
  return out;
}

function imagePart(url: string, mediaType: string | undefined): unknown {
  const d = dataUrl(url);
  if (d) return { inlineData: { mimeType: d.media_type, data: d.data } };
  return { fileData: { fileUri: url, mimeType: mediaType ?? guessImageType(url) } };
}

function guessImageType(url: string): string {
  const ext = /\.([a-z0-9]{2,5})(?:[?#]|$)/i.exec(url.slice(-40))?.[1]?.toLowerCase();
  return ext === 'png' ? 'image/png' : ext === 'webp' ? 'image/webp' : ext === 'gif' ? 'image/gif' : 'image/jpeg';
}
