import type { CallErrorKind, CallResult } from '../domain/call-result.js';
import type { ModelPrice } from '../domain/catalog-entry.js';
import { excerpt } from './excerpt.js';
import { parseRetryAfter } from './retry-after.js';

export interface HttpReply {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: string;
}

/** The parts of a CallResult an HTTP reply determines (latency and labelling are the caller's). */
export type Classified = Pick<CallResult, 'status' | 'output' | 'answered_by' | 'input_tokens' | 'output_tokens' | 'cost_usd' | 'error'>;

/**
 * Map an HTTP reply to a status a policy's retry/strategy codes understand. Pure: the client adds
 * latency, and redacts the message before anything leaves it.
 */
export function classifyReply(reply: HttpReply, price: ModelPrice, nowMs: number): Classified {
  const json = tryJson(reply.body);
  if (reply.status >= 200 && reply.status < 300) {
    if (json === undefined) return failure(502, 'bad_response', `the endpoint answered ${reply.status} with a body that is not JSON: "${excerpt(reply.body, 60)}"`);
    if (!isObject(json)) return failure(502, 'bad_response', 'the endpoint answered with JSON that is not an object');
    if (isObject(json.error) && !Array.isArray(json.choices)) {
      const status = statusOfErrorObject(json.error);
      return failure(status, kindOf(status), `the endpoint answered ${reply.status} holding an error: ${errorMessage(json.error)}`, retryAfter(reply, nowMs, status));
    }
    const choice = Array.isArray(json.choices) ? json.choices[0] : undefined;
    if (!isObject(choice) || !isObject(choice.message)) return failure(502, 'bad_response', 'the response has no choices[0].message');
    const usage = isObject(json.usage) ? json.usage : {};
    const input_tokens = finite(usage.prompt_tokens);
    const output_tokens = finite(usage.completion_tokens);
    const cost_usd = input_tokens !== null && output_tokens !== null ? (input_tokens * price.input_per_m + output_tokens * price.output_per_m) / 1e6 : null;
    return {
      status: 200,
      output: messageText(choice.message),
      answered_by: typeof json.model === 'string' ? json.model : null,
      input_tokens,
      output_tokens,
      cost_usd,
    };
  }
  if (reply.status >= 300 && reply.status < 400) return failure(502, 'bad_response', `the endpoint redirected (${reply.status}); give the final base_url in the catalog`);
  const message = isObject(json) && isObject(json.error) ? errorMessage(json.error) : isObject(json) && typeof json.message === 'string' ? json.message : `"${excerpt(reply.body, 80)}"`;
  return failure(reply.status, kindOf(reply.status), `HTTP ${reply.status}: ${message}`, retryAfter(reply, nowMs, reply.status));
}

export function kindOf(status: number): CallErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500) return 'server';
  if (status >= 400) return 'client';
  return 'bad_response';
}

export function failure(status: number, kind: CallErrorKind, message: string, retry_after_ms?: number): Classified {
  return {
    status,
    output: null,
    answered_by: null,
    input_tokens: null,
    output_tokens: null,
    cost_usd: null,
    error: retry_after_ms === undefined ? { kind, message } : { kind, message, retry_after_ms },
  };
}

function retryAfter(reply: HttpReply, nowMs: number, status: number): number | undefined {
  if (status !== 429 && status !== 503) return undefined;
  return parseRetryAfter({ retryAfter: reply.headers['retry-after'], retryAfterMs: reply.headers['retry-after-ms'] }, nowMs);
}

/** A 200 carrying `{error: …}` (some gateways do this): find the status it means. */
function statusOfErrorObject(error: Record<string, unknown>): number {
  for (const v of [error.status, error.code, error.status_code]) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{3}$/.test(v) ? Number(v) : NaN;
    if (n >= 400 && n <= 599) return n;
  }
  const text = `${String(error.type ?? '')} ${String(error.code ?? '')}`.toLowerCase();
  if (/rate.?limit|quota|too.?many/.test(text)) return 429;
  if (/timeout|timed.?out/.test(text)) return 408;
  if (/auth|permission|api.?key|forbidden/.test(text)) return 401;
  if (/overload|unavailable|capacity/.test(text)) return 503;
  if (/invalid|not.?found|bad.?request|context.?length/.test(text)) return 400;
  return 500;
}

function errorMessage(error: Record<string, unknown>): string {
  return excerpt(typeof error.message === 'string' ? error.message : JSON.stringify(error), 160);
}

function messageText(message: Record<string, unknown>): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (isObject(p) && typeof p.text === 'string' ? p.text : '')).join('');
  if (typeof message.refusal === 'string') return message.refusal;
  if (Array.isArray(message.tool_calls)) return JSON.stringify(message.tool_calls);
  return '';
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}
