import type { CallResult } from '../domain/call-result.js';

/**
 * OpenAI chat completion bodies, whole and as a server-sent event stream. The router has to know an
 * attempt's status before it may fall back, and the provider layer returns whole answers, so a
 * streamed reply is sent as soon as the served answer is in: a role+content chunk, a finish chunk,
 * an optional usage chunk, then `[DONE]`, the framing the official clients parse.
 */
export function completionBody(id: string, created: number, model: string, r: CallResult): string {
  return JSON.stringify({
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: r.output ?? '' }, logprobs: null, finish_reason: 'stop' }],
    usage: usageOf(r),
  });
}

export function completionStream(id: string, created: number, model: string, r: CallResult, includeUsage: boolean): string {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`;
  let out = chunk([{ index: 0, delta: { role: 'assistant', content: r.output ?? '' }, logprobs: null, finish_reason: null }]);
  out += chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
  if (includeUsage) out += chunk([], { usage: usageOf(r) });
  return `${out}data: [DONE]\n\n`;
}

function usageOf(r: CallResult) {
  const prompt = r.input_tokens ?? 0;
  const completion = r.output_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
