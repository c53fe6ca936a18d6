import type { CallErrorKind, CallResult } from '../domain/call-result.js';

export interface HttpReply {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: string;
}

/** The parts of a CallResult an HTTP reply determines (latency and labelling are the caller's). */
export type Classified = Pick<
  CallResult,
  | 'status'
  | 'output'
  | 'answered_by'
  | 'input_tokens'
  | 'output_tokens'
  | 'cost_usd'
  | 'error'
  | 'cached_input_tokens'
  | 'reasoning_tokens'
  | 'fingerprint'
>;

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
