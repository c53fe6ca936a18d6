import { z } from 'zod';

/**
 * The one request and reply shape every provider adapter translates to and from. Images travel as
 * references (a URL, an `s3://` URI or a `data:` URL), never fetched by routelab. Tool arguments are
 * kept as the JSON text the model produced, so a malformed one is data, not a crash.
 */
export const ChatPart = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('image'), url: z.string(), media_type: z.string().optional() }),
]);
export type ChatPart = z.infer<typeof ChatPart>;

export const ToolCall = z.object({ id: z.string(), name: z.string(), arguments: z.string() });
export type ToolCall = z.infer<typeof ToolCall>;

/** `role` stays a string: traffic holds whatever the caller sent (`developer`, `function`, …). */
export const ChatMessage = z.object({
  role: z.string(),
  content: z.union([z.string(), z.array(ChatPart)]),
  name: z.string().optional(),
  tool_calls: z.array(ToolCall).optional(),
  /** On a `tool` message: the call it answers. */
  tool_call_id: z.string().optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** Token counts as each provider reports them, normalised: input includes cached input, output includes reasoning. */
export const ChatUsage = z.object({
  input_tokens: z.number().nullable(),
  output_tokens: z.number().nullable(),
  cached_input_tokens: z.number().nullable(),
  reasoning_tokens: z.number().nullable(),
});
export type ChatUsage = z.infer<typeof ChatUsage>;

export const ChatReply = z.object({
  text: z.string(),
  tool_calls: z.array(ToolCall),
  /** The model the provider says answered; null when its format does not say (Bedrock). */
  answered_by: z.string().nullable(),
  usage: ChatUsage,
  /** The upstream build that answered, where the provider reports one (OpenAI `system_fingerprint`). */
  fingerprint: z.string().optional(),
});
export type ChatReply = z.infer<typeof ChatReply>;

/** Function tools in the OpenAI request shape (`params.tools`), read once for every adapter. */
export interface ToolSpec {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** Text of a message's content (image references dropped). */
export function textOf(content: ChatMessage['content']): string {
  return typeof content === 'string' ? content : content.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

/** Content as parts. */
export function partsOf(content: ChatMessage['content']): ChatPart[] {
  return typeof content === 'string' ? (content === '' ? [] : [{ type: 'text', text: content }]) : content;
}
