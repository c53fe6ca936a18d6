import { z } from 'zod';

/**
 * Why a model call did not return an answer. Each kind comes with an HTTP-style status that a
 * policy's retry / strategy codes understand (429, 5xx, 408 …).
 */
export const CallErrorKind = z.enum(['rate_limited', 'server', 'timeout', 'network', 'bad_response', 'auth', 'client']);
export type CallErrorKind = z.infer<typeof CallErrorKind>;

export const CallError = z.object({
  kind: CallErrorKind,
  message: z.string(),
  /** From Retry-After (capped); retrying is the policy's decision, never the client's. */
  retry_after_ms: z.number().min(0).optional(),
});
export type CallError = z.infer<typeof CallError>;

/** What one model call produced. Never holds a credential. */
export const CallResult = z.object({
  status: z.number().int(),
  output: z.string().nullable(),
  /** The model the provider says answered (an alias or fallback must never hide a swap). */
  answered_by: z.string().nullable(),
  latency_ms: z.number().min(0),
  input_tokens: z.number().nullable(),
  output_tokens: z.number().nullable(),
  cost_usd: z.number().nullable(),
  /** Of input_tokens, those served from the provider's prompt cache (when it says). */
  cached_input_tokens: z.number().optional(),
  /** Of output_tokens, those spent reasoning (when the provider says). */
  reasoning_tokens: z.number().optional(),
  error: CallError.optional(),
  /** The upstream build that answered, where the provider reports one (OpenAI `system_fingerprint`). */
  fingerprint: z.string().nullable().optional(),
  /** True when the simulated fleet answered: never mistaken for a real model's output. */
  simulated: z.boolean(),
});
export type CallResult = z.infer<typeof CallResult>;
