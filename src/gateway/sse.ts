import type { ServerResponse } from 'node:http';
import type { CallResult } from '../domain/call-result.js';
import type { RouteOutcome } from './route-request.js';
import type { StreamSink } from './upstream.js';

/**
 * OpenAI chat completion bodies, whole and as a server-sent event stream. An upstream that streams
 * (OpenAI wire) is passed through event by event by {@link SseSink} once it has answered 2xx; an
 * answer that came whole (the simulated fleet, the other provider kinds, which the provider layer
 * reads whole) is sent as a stream once it is in: a role+content chunk, a finish chunk, an optional
 * usage chunk, then `[DONE]`, the framing the official clients parse.
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

/**
 * A `stream: true` reply passed through as the upstream sends it. Only whole events are written,
 * each as soon as its blank line arrives (so a token reaches the client when the upstream sends
 * it). The usage chunk (`choices: []`), which the gateway always asks for to log and charge the
 * answer, is dropped unless the client asked for it (`stream_options.include_usage`).
 */
export class SseSink implements StreamSink {
  opened = false;
  /** Attempts made so far, this one included (set by the router before each call). */
  attempts = 1;
  flagged = false;
  private carry = '';
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly res: ServerResponse,
    private readonly headers: Record<string, string>,
    private readonly includeUsage: boolean,
  ) {}

  open(model: string): void {
    this.opened = true;
    this.res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      ...this.headers,
      'x-routelab-served-by': model,
      'x-routelab-attempts': String(this.attempts),
      ...(this.flagged ? { 'x-routelab-guardrail': 'flagged' } : {}),
    });
    this.res.flushHeaders();
  }

  write(chunk: Buffer): void {
    const text = this.carry + this.decoder.decode(chunk, { stream: true });
    const end = lastEventEnd(text);
    if (end < 0) {
      this.carry = text;
      return;
    }
    this.carry = text.slice(end);
    const events = text.slice(0, end);
    this.res.write(this.includeUsage ? events : events.replace(USAGE_ONLY_EVENT, ''));
  }

  /** End the stream; the status the request is counted and logged with. */
  finish(outcome: RouteOutcome): number {
    if (this.carry.trim() !== '') this.res.write(`${this.carry}\n\n`);
    if (outcome.kind !== 'served') {
      // Failed after the first byte: the status line is sent, so the error goes in the stream, as OpenAI's does.
      const last = outcome.kind === 'failed' ? outcome.last : null;
      const message = last?.error?.message ?? 'the upstream stream failed';
      this.res.write(`data: ${JSON.stringify({ error: { message, type: 'server_error', code: 'upstream_failed', param: null } })}\n\n`);
    }
    this.res.end();
    return outcome.kind === 'served' ? 200 : (outcome.kind === 'failed' ? outcome.last?.status : null) || 502;
  }
}

/** Index just past the last blank line (event boundary) in `text`, or -1. */
function lastEventEnd(text: string): number {
  const lf = text.lastIndexOf('\n\n');
  const crlf = text.lastIndexOf('\r\n\r\n');
  return Math.max(lf < 0 ? -1 : lf + 2, crlf < 0 ? -1 : crlf + 4);
}

/** One `data:` event holding `"choices":[]` (the usage chunk), compact or with Python's `": "` separators. */
const USAGE_ONLY_EVENT = /^data: ?\{[^\n]*"choices": ?\[ ?\][^\n]*\r?\n\r?\n/gm;
