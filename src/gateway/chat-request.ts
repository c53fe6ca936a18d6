import { z } from 'zod';
import type { Message } from '../domain/traffic-record.js';
import { GatewayError } from './openai-error.js';

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

/**
 * The usual body, checked by hand: true only when the schema would accept it unchanged (model and
 * messages in range, no metadata, the gateway's own fields well typed). Anything else goes through
 * the schema, which says what is wrong. Saves the schema's cost on nearly every request.
 */
export function plainChat(v: unknown): v is ChatCompletionBody {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const b = v as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model.length < 1 || b.model.length > 256) return false;
  if (b.metadata !== undefined) return false;
  if (b.stream !== undefined && typeof b.stream !== 'boolean') return false;
  if (b.user !== undefined && (typeof b.user !== 'string' || b.user.length > 256)) return false;
  const so = b.stream_options;
  if (so !== undefined && so !== null) {
    if (typeof so !== 'object' || Array.isArray(so)) return false;
    const iu = (so as Record<string, unknown>).include_usage;
    if (iu !== undefined && typeof iu !== 'boolean') return false;
  }
  const messages = b.messages;
  if (!Array.isArray(messages) || messages.length < 1) return false;
  for (const m of messages) {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return false;
    const { role, content, name } = m as Record<string, unknown>;
    if (typeof role !== 'string' || role.length < 1 || role.length > 64) return false;
    if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) return false;
    if (name !== undefined && (typeof name !== 'string' || name.length > 256)) return false;
  }
  return true;
}

/**
 * A request body as the gateway reads it: JSON, then the hand check or the schema. Throws a
 * GatewayError (400) that says what is wrong.
 */
export function parseChatText(text: string): ParsedChat {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new GatewayError(400, 'the request body is not valid JSON', 'invalid_request_error', 'invalid_json');
  }
  // The common body passes a hand check that accepts a subset of what the schema accepts; the
  // schema itself runs for the rest, and for its error message.
  if (plainChat(json)) return toParsedChat(json);
  const parsed = ChatCompletionBody.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue ? issue.path.join('.') : null;
    throw new GatewayError(
      400,
      `${param || 'body'}: ${issue?.message ?? 'invalid'}`,
      'invalid_request_error',
      'invalid_request',
      param || null,
    );
  }
  return toParsedChat(parsed.data);
}
