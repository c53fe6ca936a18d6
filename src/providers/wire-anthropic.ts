import { DEFAULT_OUTPUT_TOKENS_ESTIMATE } from '../replay/cost-estimate.js';
import { partsOf, textOf, type ChatMessage, type ChatReply, type ToolCall } from './chat-message.js';
import { failure } from './classified.js';
import { missingKey, type ProviderAdapter, type WireError } from './provider-adapter.js';
import { excerpt } from './redact.js';
import { jsonHeaders, trimSlash } from './wire-openai.js';
import { dataUrl, finite, isObject, maxTokens, num, opt, parseArgs, statusOfErrorText, stopList, str, sum, toolSpecs } from './wire-kit.js';

const DEFAULT_VERSION = '2023-06-01';

/**
 * Anthropic Messages (POST {base}/messages, x-api-key, anthropic-version). System messages become the
 * top-level `system`; tool results travel in a user turn as tool_result blocks. max_tokens is
 * required by the API: absent, it is the output the cost cap already assumes, so the cap holds.
 */
export const anthropicAdapter: ProviderAdapter = {
  defaultBaseUrl: () => 'https://api.anthropic.com/v1',
  prepare: async (ctx) => {
    const env = ctx.entry.api_key_env;
    const key = env ? ctx.env[env] : undefined;
    if (env && !key) {
      const m = missingKey(env, ctx.entry);
      return failure(m.status, 'auth', m.message);
    }
    const headers = jsonHeaders(ctx);
    headers['anthropic-version'] = ctx.entry.options?.api_version ?? DEFAULT_VERSION;
    if (key) headers['x-api-key'] = key;
    const system = ctx.messages.filter(isSystem).map((m) => textOf(m.content)).join('\n\n');
    const tools = toolSpecs(ctx.params);
    const body = {
      model: ctx.model,
      max_tokens: maxTokens(ctx.params) ?? DEFAULT_OUTPUT_TOKENS_ESTIMATE,
      ...(system ? { system } : {}),
      messages: turns(ctx.messages.filter((m) => !isSystem(m))),
      ...opt('temperature', num(ctx.params, 'temperature')),
      ...opt('top_p', num(ctx.params, 'top_p')),
      ...opt('stop_sequences', stopList(ctx.params)),
      ...(tools.length ? { tools: tools.map((t) => ({ name: t.name, ...(t.description ? { description: t.description } : {}), input_schema: t.parameters ?? { type: 'object' } })) } : {}),
      stream: false,
    };
    return { url: `${trimSlash(ctx.baseUrl)}/messages`, headers, body: JSON.stringify(body), secrets: key ? [key] : [] };
  },
  errorIn: (json) => anthropicErrorIn(json),
  decode: (json) => {
    if (!Array.isArray(json.content)) return undefined;
    let text = '';
    const tool_calls: ToolCall[] = [];
    for (const b of json.content) {
      if (!isObject(b)) continue;
      if (b.type === 'text' && typeof b.text === 'string') text += b.text;
      if (b.type === 'tool_use' && typeof b.name === 'string') tool_calls.push({ id: str(b.id) ?? '', name: b.name, arguments: JSON.stringify(b.input ?? {}) });
    }
    const u = isObject(json.usage) ? json.usage : {};
    const uncached = finite(u.input_tokens);
    const read = finite(u.cache_read_input_tokens);
    // input_tokens counts only what came after the last cache breakpoint: reads and writes add to it.
    const input = uncached === null ? null : sum(uncached, read, finite(u.cache_creation_input_tokens));
    return { text, tool_calls, answered_by: str(json.model) ?? null, usage: { input_tokens: input, output_tokens: finite(u.output_tokens), cached_input_tokens: read, reasoning_tokens: null } } satisfies ChatReply;
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
