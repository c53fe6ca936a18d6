import { z } from 'zod';
import { DataRecordSchema, keepingEveryKey } from './data-record.js';

/** One chat message, content flattened to text (parts joined). */
export const Message = z.object({
  role: z.string(),
  content: z.string(),
  name: z.string().optional(),
});
export type Message = z.infer<typeof Message>;

export const TrafficRequest = z.object({
  messages: z.array(Message),
  /** model, temperature, max_tokens, … as the caller sent them (secrets removed). */
  params: DataRecordSchema(z.unknown()),
});
export type TrafficRequest = z.infer<typeof TrafficRequest>;

/** Keys come from the traffic: every one is kept, `__proto__` and `constructor` included. */
export const TrafficMetadata = keepingEveryKey(
  z
    .object({
      intent: z.string().optional(),
      project: z.string().optional(),
      user: z.string().optional(),
      tags: z.array(z.string()).default([]),
    })
    .catchall(z.unknown()),
);
export type TrafficMetadata = z.infer<typeof TrafficMetadata>;

export const TrafficResponse = z.object({
  model: z.string().nullable(),
  output: z.string().nullable(),
  /** HTTP-style status: 200 ok, 429, 5xx; 408 for a timeout; null when unknown. */
  status: z.number().int().nullable(),
  latency_ms: z.number().nullable(),
  input_tokens: z.number().nullable(),
  output_tokens: z.number().nullable(),
  cost_usd: z.number().nullable(),
});
export type TrafficResponse = z.infer<typeof TrafficResponse>;

export const TrafficFormat = z.enum(['openai-chat', 'openai-batch', 'litellm', 'langfuse', 'otel']);
export type TrafficFormat = z.infer<typeof TrafficFormat>;

export const TrafficRecord = z.object({
  /** Stable: derived from the source's own id or the content, so re-imports add nothing. */
  id: z.string(),
  /** ISO-8601 UTC. */
  timestamp: z.string(),
  request: TrafficRequest,
  metadata: TrafficMetadata,
  response: TrafficResponse,
  /** False when the source logged no request content (LiteLLM with message logging off). */
  replayable: z.boolean(),
  format: TrafficFormat,
});
export type TrafficRecord = z.infer<typeof TrafficRecord>;
