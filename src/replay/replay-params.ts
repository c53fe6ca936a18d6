/**
 * The model parameters a replay forwards from stored traffic; nothing else a caller logged (keys,
 * extra headers, user ids, provider routing, `n`, `stream`) reaches an endpoint. `n` is forced to
 * 1: a replay compares one answer per case, and the cost cap estimates one answer per call.
 * Listed in README.md (Replay parameters). Pure.
 */
export const REPLAY_PARAMS: readonly string[] = [
  'temperature',
  'top_p',
  'top_k',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'seed',
  'response_format',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'functions',
  'function_call',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'reasoning_effort',
];

const ALLOWED = new Set(REPLAY_PARAMS);

/** A new object holding only the allowed parameters of `params`, `n` left out (the API's default is 1). */
export function replayParams(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(params)) {
    if (ALLOWED.has(k) && params[k] !== undefined) out[k] = params[k];
  }
  return out;
}
