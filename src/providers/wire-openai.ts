import type { ChatMessage, ChatReply, ToolCall } from './chat-message.js';
import { failure } from './classified.js';
import { missingKey, type PrepareContext, type ProviderAdapter, type WireCall, type WireError } from './provider-adapter.js';
import { excerpt } from './excerpt.js';
import type { SseEvent } from './sse.js';
import { finite, isObject, numericStatus, statusOfErrorText, str, sum, tryJson } from './wire-kit.js';

/**
 * OpenAI chat completions: any OpenAI-compatible server (vLLM, Ollama, OpenRouter, Together, a
 * LiteLLM proxy). The body is the caller's params with our model, messages and `stream: false`.
 */
export const openaiAdapter: ProviderAdapter = {
  defaultBaseUrl: () => undefined,
  prepare: async (ctx) => {
    const key = ctx.entry.api_key_env ? ctx.env[ctx.entry.api_key_env] : undefined;
    if (ctx.entry.api_key_env && !key) {
      const m = missingKey(ctx.entry.api_key_env, ctx.entry);
      return failure(m.status, 'auth', m.message);
    }
    const headers = jsonHeaders(ctx);
    if (key) headers.authorization = `Bearer ${key}`;
    const body = JSON.stringify({ ...ctx.params, model: ctx.model, messages: ctx.messages.map(openaiMessage), stream: false });
    return { url: `${trimSlash(ctx.baseUrl)}/chat/completions`, headers, body, secrets: key ? [key] : [] } satisfies WireCall;
  },
  errorIn: (json) => openaiErrorIn(json),
  decode: (json) => decodeChoices(json, str(json.model) ?? null),
  decodeStream: (events) => decodeChunks(events, openaiErrorIn, 'model'),
};

export function jsonHeaders(ctx: Pick<PrepareContext, 'entry'>): Record<string, string> {
  // Catalog headers first, their names lower-cased so that ours (content type, versions,
  // credentials) replace them instead of being sent twice.
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(ctx.entry.headers ?? {})) out[k.toLowerCase()] = v;
  return Object.assign(out, { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'routelab' });
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** A message in the OpenAI chat shape (also Azure's and watsonx.ai's). */
export function openaiMessage(m: ChatMessage): Record<string, unknown> {
  const content =
    typeof m.content === 'string'
      ? m.content
      : m.content.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image_url', image_url: { url: p.url } }));
  return {
    role: m.role,
    content,
    ...(m.name !== undefined ? { name: m.name } : {}),
    ...(m.tool_calls?.length
      ? { tool_calls: m.tool_calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }
      : {}),
    ...(m.tool_call_id !== undefined ? { tool_call_id: m.tool_call_id } : {}),
  };
}

/** `{error: …}` without choices (OpenAI, Azure, most gateways, even inside a 200). */
export function openaiErrorIn(json: Record<string, unknown>): WireError | undefined {
  if (!isObject(json.error) || Array.isArray(json.choices)) return undefined;
  const e = json.error;
  const status = numericStatus(e.status, e.code, e.status_code) ?? statusOfErrorText(`${String(e.type ?? '')} ${String(e.code ?? '')}`);
  return { status, message: excerpt(typeof e.message === 'string' ? e.message : JSON.stringify(e), 160) };
}

/** choices[0].message and usage in the OpenAI shape (prompt_tokens_details.cached_tokens, completion_tokens_details.reasoning_tokens). */
export function decodeChoices(json: Record<string, unknown>, answeredBy: string | null): ChatReply | undefined {
  const choice = Array.isArray(json.choices) ? json.choices[0] : undefined;
  if (!isObject(choice) || !isObject(choice.message)) return undefined;
  const usage = isObject(json.usage) ? json.usage : {};
  const promptDetails = isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completionDetails = isObject(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  const msg = choice.message;
  return {
    text: messageText(msg),
    tool_calls: toolCallsOf(msg.tool_calls),
    answered_by: answeredBy,
    usage: {
      input_tokens: finite(usage.prompt_tokens),
      output_tokens: finite(usage.completion_tokens),
      cached_input_tokens: sum(finite(promptDetails.cached_tokens)),
      reasoning_tokens: sum(finite(completionDetails.reasoning_tokens)),
    },
    ...(typeof json.system_fingerprint === 'string' ? { fingerprint: json.system_fingerprint.slice(0, 200) } : {}),
  };
}

function messageText(message: Record<string, unknown>): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (isObject(p) && typeof p.text === 'string' ? p.text : '')).join('');
  if (typeof message.refusal === 'string') return message.refusal;
  return '';
}

function toolCallsOf(v: unknown): ToolCall[] {
  if (!Array.isArray(v)) return [];
  const out: ToolCall[] = [];
  for (const c of v) {
    if (!isObject(c) || !isObject(c.function) || typeof c.function.name !== 'string') continue;
    const args = c.function.arguments;
    out.push({ id: str(c.id) ?? '', name: c.function.name, arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) });
  }
  return out;
}

/**
 * chat.completion.chunk events (OpenAI, Azure, watsonx.ai): deltas joined, tool calls assembled by
 * index, usage from the chunk that carries it. Finished by `[DONE]` or a finish_reason; an `error`
 * chunk is the stream's error.
 */
export function decodeChunks(
  events: SseEvent[],
  errorIn: (json: Record<string, unknown>) => WireError | undefined,
  modelField: string,
): ChatReply | WireError | undefined {
  let text = '';
  let model: string | null = null;
  let usage: Record<string, unknown> | undefined;
  let done = false;
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  for (const e of events) {
    if (e.data.trim() === '[DONE]') {
      done = true;
      continue;
    }
    const json = tryJson(e.data);
    if (!isObject(json)) continue;
    const err = errorIn(json);
    if (err) return err;
    model ??= str(json[modelField]) ?? str(json.model) ?? null;
    if (isObject(json.usage)) usage = json.usage;
    const choice = Array.isArray(json.choices) ? json.choices[0] : undefined;
    if (!isObject(choice)) continue;
    if (typeof choice.finish_reason === 'string') done = true;
    const delta = isObject(choice.delta) ? choice.delta : isObject(choice.message) ? choice.message : {};
    if (typeof delta.content === 'string') text += delta.content;
    for (const t of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      if (!isObject(t)) continue;
      const i = typeof t.index === 'number' && t.index >= 0 && t.index < 128 ? t.index : calls.length;
      const call = (calls[i] ??= { id: '', name: '', arguments: '' });
      const f = isObject(t.function) ? t.function : {};
      if (typeof t.id === 'string') call.id = t.id;
      if (typeof f.name === 'string') call.name += f.name;
      if (typeof f.arguments === 'string') call.arguments += f.arguments;
    }
  }
  if (!done) return undefined;
  const reply = decodeChoices({ choices: [{ message: { content: text } }], ...(usage ? { usage } : {}) }, model);
  return reply && { ...reply, tool_calls: calls.filter((c) => c && c.name) };
}
