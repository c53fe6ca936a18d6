import { z } from 'zod';
import type { Message } from '../domain/traffic-record.js';

/**
 * The body of POST /v1/chat/completions, as far as the gateway reads it. Other fields (temperature,
 * max_tokens, …) pass through to the upstream as params; `stream`, `stream_options`, `metadata`
 * and `user` are the gateway's.
 */
export const ChatCompletionBody = z.looseObject({
  model: z.string().min(1, 'model is required: a catalog model or policy/<name>').max(256),
  messages: z
    .array(
      z.looseObject({
        role: z.string().min(1).max(64),
        content: z.union([z.string(), z.array(z.unknown()), z.null()]).optional(),
        name: z.string().max(256).optional(),
      }),
    )
    .min(1, 'messages must hold at least one message'),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  /** OpenAI's request metadata (string values): routed on as `metadata.*`, logged with the record. */
  metadata: z.record(z.string().max(64), z.string().max(512)).optional(),
  user: z.string().max(256).optional(),
});
export type ChatCompletionBody = z.infer<typeof ChatCompletionBody>;

const OWN_FIELDS = new Set(['model', 'messages', 'stream', 'stream_options', 'metadata', 'user']);

export interface ParsedChat {
  model: string;
  messages: Message[];
  /** What goes upstream besides model and messages; never a credential field. */
  params: Record<string, unknown>;
  stream: boolean;
  includeUsage: boolean;
  metadata: Map<string, string>;
  user: string | undefined;
}

/** Credentials have no business in a body; they are dropped rather than forwarded or logged. */
const CREDENTIAL_PARAM = /^(api[_-]?key|authorization|x-api-key|secret|password|token)$/i;

export function toParsedChat(body: ChatCompletionBody): ParsedChat {
  const params: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(body)) {
    if (OWN_FIELDS.has(k) || CREDENTIAL_PARAM.test(k)) continue;
    params[k] = (body as Record<string, unknown>)[k];
  }
  const metadata = new Map<string, string>();
  for (const [k, v] of Object.entries(body.metadata ?? {})) metadata.set(k, v);
  return {
    model: body.model,
    messages: body.messages.map((m) => ({ role: m.role, content: flatten(m.content), ...(m.name === undefined ? {} : { name: m.name }) })),
    params,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    metadata,
    user: body.user,
  };
}

/** Content parts are joined as traffic import joins them: text parts only. */
function flatten(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const p of content) {
    if (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string') parts.push((p as { text: string }).text);
  }
  return parts.join('\n');
}
