import { DEFAULT_OUTPUT_TOKENS_ESTIMATE } from '../replay/cost-estimate.js';
import { partsOf, textOf, type ChatMessage, type ChatReply, type ToolCall } from './chat-message.js';
import type { ProviderAdapter, WireError } from './provider-adapter.js';
import type { SseEvent } from './sse.js';
import { excerpt } from './excerpt.js';
import { jsonHeaders, trimSlash } from './wire-openai.js';
import {
  catalogKey,
  dataUrl,
  finite,
  isObject,
  maxTokens,
  num,
  opt,
  parseArgs,
  statusOfErrorText,
  stopList,
  str,
  sum,
  toolSpecs,
  tryJson,
} from './wire-kit.js';

const DEFAULT_VERSION = '2023-06-01';

/**
 * Anthropic Messages (POST {base}/messages, x-api-key, anthropic-version). System messages become the
 * top-level `system`; tool results travel in a user turn as tool_result blocks. max_tokens is
 * required by the API: absent, it is the output the cost cap already assumes, so the cap holds.
 */
export const anthropicAdapter: ProviderAdapter = {
  defaultBaseUrl: () => 'https://api.anthropic.com/v1',
  prepare: async (ctx) => {
    const auth = catalogKey(ctx);
    if ('failed' in auth) return auth.failed;
    const { key } = auth;
    const headers = jsonHeaders(ctx);
    headers['anthropic-version'] = ctx.entry.options?.api_version ?? DEFAULT_VERSION;
    if (key) headers['x-api-key'] = key;
    const system = ctx.messages
      .filter(isSystem)
      .map((m) => textOf(m.content))
      .join('\n\n');
    const tools = toolSpecs(ctx.params);
    const body = {
      model: ctx.model,
      max_tokens: maxTokens(ctx.params) ?? DEFAULT_OUTPUT_TOKENS_ESTIMATE,
      ...(system ? { system } : {}),
      messages: turns(ctx.messages.filter((m) => !isSystem(m))),
      ...opt('temperature', num(ctx.params, 'temperature')),
      ...opt('top_p', num(ctx.params, 'top_p')),
      ...opt('stop_sequences', stopList(ctx.params)),
      ...(tools.length
        ? {
            tools: tools.map((t) => ({
              name: t.name,
              ...(t.description ? { description: t.description } : {}),
              input_schema: t.parameters ?? { type: 'object' },
            })),
          }
        : {}),
      stream: false,
    };
    return { url: `${trimSlash(ctx.baseUrl)}/messages`, headers, body: JSON.stringify(body), secrets: key ? [key] : [] };
  },
  errorIn: (json) => anthropicErrorIn(json),
  decodeStream: (events) => decodeAnthropicStream(events),
  decode: (json) => {
    if (!Array.isArray(json.content)) return undefined;
    let text = '';
    const tool_calls: ToolCall[] = [];
    for (const b of json.content) {
      if (!isObject(b)) continue;
      if (b.type === 'text' && typeof b.text === 'string') text += b.text;
      if (b.type === 'tool_use' && typeof b.name === 'string')
        tool_calls.push({ id: str(b.id) ?? '', name: b.name, arguments: JSON.stringify(b.input ?? {}) });
    }
    const u = isObject(json.usage) ? json.usage : {};
    const uncached = finite(u.input_tokens);
    const read = finite(u.cache_read_input_tokens);
    // input_tokens counts only what came after the last cache breakpoint: reads and writes add to it.
    const input = uncached === null ? null : sum(uncached, read, finite(u.cache_creation_input_tokens));
    return {
      text,
      tool_calls,
      answered_by: str(json.model) ?? null,
      usage: { input_tokens: input, output_tokens: finite(u.output_tokens), cached_input_tokens: read, reasoning_tokens: null },
    } satisfies ChatReply;
  },
};

/** `{type: "error", error: {type, message}}`, in an error status or inside a 200. */
export function anthropicErrorIn(json: Record<string, unknown>): WireError | undefined {
  if (json.type !== 'error' || !isObject(json.error)) return undefined;
  const type = str(json.error.type) ?? '';
  const status = type === 'overloaded_error' ? 503 : type === 'api_error' ? 500 : statusOfErrorText(type);
  return { status, message: excerpt(`${type}: ${str(json.error.message) ?? ''}`, 160) };
}

const isSystem = (m: ChatMessage) => m.role === 'system' || m.role === 'developer';

/** Alternating user/assistant turns of content blocks; consecutive same-role messages merge. */
function turns(messages: ChatMessage[]): Array<{ role: 'user' | 'assistant'; content: unknown[] }> {
  const out: Array<{ role: 'user' | 'assistant'; content: unknown[] }> = [];
  for (const m of messages) {
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const blocks: unknown[] =
      m.role === 'tool'
        ? [{ type: 'tool_result', tool_use_id: m.tool_call_id ?? '', content: textOf(m.content) }]
        : partsOf(m.content).map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : imageBlock(p.url)));
    for (const c of m.tool_calls ?? []) blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: parseArgs(c.arguments) });
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  return out;
}

function imageBlock(url: string): unknown {
  const d = dataUrl(url);
  return { type: 'image', source: d ? { type: 'base64', media_type: d.media_type, data: d.data } : { type: 'url', url } };
}

/**
 * Messages streaming events: message_start (model, input usage), content_block_start / _delta
 * (text_delta, input_json_delta for tool use), message_delta (output usage), message_stop; an
 * `error` event (e.g. overloaded_error mid-stream) is the stream's error.
 */
function decodeAnthropicStream(events: SseEvent[]): ChatReply | WireError | undefined {
  let text = '';
  let model: string | null = null;
  let usage: Record<string, unknown> = {};
  let done = false;
  const blocks = new Map<number, { id: string; name: string; json: string }>();
  for (const e of events) {
    const json = tryJson(e.data);
    if (!isObject(json)) continue;
    const err = anthropicErrorIn(json);
    if (err) return err;
    if (json.type === 'message_start' && isObject(json.message)) {
      model = str(json.message.model) ?? null;
      if (isObject(json.message.usage)) usage = { ...json.message.usage };
    } else if (json.type === 'content_block_start' && isObject(json.content_block) && json.content_block.type === 'tool_use') {
      blocks.set(Number(json.index), { id: str(json.content_block.id) ?? '', name: str(json.content_block.name) ?? '', json: '' });
    } else if (json.type === 'content_block_delta' && isObject(json.delta)) {
      if (json.delta.type === 'text_delta' && typeof json.delta.text === 'string') text += json.delta.text;
      const block = blocks.get(Number(json.index));
      if (block && json.delta.type === 'input_json_delta' && typeof json.delta.partial_json === 'string')
        block.json += json.delta.partial_json;
    } else if (json.type === 'message_delta' && isObject(json.usage)) {
      usage = { ...usage, ...json.usage };
    } else if (json.type === 'message_stop') {
      done = true;
    }
  }
  if (!done) return undefined;
  const tool_calls: ToolCall[] = [...blocks.values()].map((b) => ({ id: b.id, name: b.name, arguments: b.json || '{}' }));
  const read = finite(usage.cache_read_input_tokens);
  const uncached = finite(usage.input_tokens);
  return {
    text,
    tool_calls,
    answered_by: model,
    usage: {
      input_tokens: uncached === null ? null : sum(uncached, read, finite(usage.cache_creation_input_tokens)),
      output_tokens: finite(usage.output_tokens),
      cached_input_tokens: read,
      reasoning_tokens: null,
    },
  };
}
