import type { ModelPrice } from '../domain/catalog-entry.js';
import { failure, kindOf, type Classified, type HttpReply } from './classified.js';
import type { ProviderAdapter } from './provider-adapter.js';
import type { ChatReply } from './chat-message.js';
import { excerpt } from './excerpt.js';
import { isEventStream, parseSse } from './sse.js';
import { parseRetryAfter } from './retry-after.js';
import { openaiAdapter } from './wire-openai.js';
import { costOf, isObject, tryJson } from './wire-kit.js';

export { failure, kindOf, type Classified, type HttpReply } from './classified.js';

/**
 * Map an HTTP reply to a status a policy's retry/strategy codes understand, the same way for every
 * provider kind: only reading the body is the adapter's. Pure: the client adds latency, and redacts
 * the message before anything leaves it.
 */
export function classifyWire(adapter: ProviderAdapter, reply: HttpReply, price: ModelPrice, nowMs: number): Classified {
  if (reply.status >= 200 && reply.status < 300 && isEventStream(reply.headers['content-type'], reply.body))
    return classifyStream(adapter, reply, price, nowMs);
  const tooDeep = nestedDeeperThan(reply.body, MAX_JSON_DEPTH);
  const json = tooDeep ? undefined : tryJson(reply.body);
  if (reply.status >= 200 && reply.status < 300) {
    if (tooDeep)
      return failure(
        502,
        'bad_response',
        `the endpoint answered ${reply.status} with JSON nested more than ${MAX_JSON_DEPTH} levels deep (not read)`,
      );
    if (json === undefined)
      return failure(
        502,
        'bad_response',
        `the endpoint answered ${reply.status} with a body that is not JSON: "${excerpt(reply.body, 60)}"`,
      );
    if (!isObject(json)) return failure(502, 'bad_response', 'the endpoint answered with JSON that is not an object');
    const e = adapter.errorIn(json, reply.status);
    if (e)
      return failure(
        e.status,
        kindOf(e.status),
        `the endpoint answered ${reply.status} holding an error: ${e.message}`,
        retryAfter(reply, nowMs, e.status) ?? bodyWait(e.status, e.retry_after_ms),
      );
    const r = adapter.decode(json);
    if (!r) return failure(502, 'bad_response', 'the response has no answer in the shape this provider kind sends');
    return answered(r, price);
  }
  if (reply.status >= 300 && reply.status < 400)
    return failure(502, 'bad_response', `the endpoint redirected (${reply.status}); give the final base_url in the catalog`);
  // Anthropic's 529 "overloaded" is a 503 to a policy: same meaning, and the code policies list.
  const status = reply.status === 529 ? 503 : reply.status;
  if (tooDeep)
    return failure(
      status,
      kindOf(status),
      `HTTP ${reply.status}: an error body nested more than ${MAX_JSON_DEPTH} levels deep (not read)`,
      retryAfter(reply, nowMs, status),
    );
  const e = isObject(json) ? adapter.errorIn(json, status) : undefined;
  const message = e
    ? e.message
    : isObject(json) && typeof json.message === 'string'
      ? excerpt(json.message, 160)
      : `"${excerpt(reply.body, 80)}"`;
  const shown = status === reply.status ? `HTTP ${status}` : `HTTP ${reply.status} (overloaded)`;
  return failure(status, kindOf(status), `${shown}: ${message}`, retryAfter(reply, nowMs, status) ?? bodyWait(status, e?.retry_after_ms));
}

/** A 2xx event stream: read like a JSON answer, an error event like an error inside a 200. */
function classifyStream(adapter: ProviderAdapter, reply: HttpReply, price: ModelPrice, nowMs: number): Classified {
  if (!adapter.decodeStream)
    return failure(502, 'bad_response', `the endpoint answered ${reply.status} with an event stream this provider kind is not read as`);
  const r = adapter.decodeStream(parseSse(reply.body));
  if (!r) return failure(502, 'bad_response', 'the event stream ended before its final event (a cut or unfinished answer)');
  if ('status' in r)
    return failure(
      r.status,
      kindOf(r.status),
      `the endpoint answered ${reply.status} with a stream holding an error: ${r.message}`,
      retryAfter(reply, nowMs, r.status) ?? bodyWait(r.status, r.retry_after_ms),
    );
  return answered(r, price);
}

function answered(r: ChatReply, price: ModelPrice): Classified {
  const toolsOnly = r.text === '' && r.tool_calls.length > 0;
  return {
    status: 200,
    // A tool-calling answer reads the same whichever provider gave it: the OpenAI tool_calls JSON.
    output: toolsOnly
      ? JSON.stringify(r.tool_calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })))
      : r.text,
    answered_by: r.answered_by,
    input_tokens: tokenCount(r.usage.input_tokens),
    output_tokens: tokenCount(r.usage.output_tokens),
    cost_usd: tokenCount(r.usage.input_tokens) === null || tokenCount(r.usage.output_tokens) === null ? null : costOf(r.usage, price),
    ...(r.usage.cached_input_tokens !== null ? { cached_input_tokens: r.usage.cached_input_tokens } : {}),
    ...(r.usage.reasoning_tokens !== null ? { reasoning_tokens: r.usage.reasoning_tokens } : {}),
    ...(r.fingerprint !== undefined ? { fingerprint: r.fingerprint } : {}),
  };
}

/** The OpenAI-compatible reading (kept under its old name). */
export function classifyReply(reply: HttpReply, price: ModelPrice, nowMs: number): Classified {
  return classifyWire(openaiAdapter, reply, price, nowMs);
}

function retryAfter(reply: HttpReply, nowMs: number, status: number): number | undefined {
  if (status !== 429 && status !== 503) return undefined;
  return parseRetryAfter({ retryAfter: reply.headers['retry-after'], retryAfterMs: reply.headers['retry-after-ms'] }, nowMs);
}

function bodyWait(status: number, ms: number | undefined): number | undefined {
  return status === 429 || status === 503 ? ms : undefined;
}

/**
 * A token count as stored (an int4 column): a whole number from 0 to 2^31 - 1, else unknown. A reply
 * claiming 1e300 tokens keeps its answer; its count (and so its cost) is not believed.
 */
function tokenCount(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2_147_483_647 ? v : null;
}

/**
 * Replies nested deeper than this are not parsed: JSON.parse copes, but everything that walks the
 * value afterwards (JSON.stringify of an error object, the scorers) recurses and overflows the stack
 * at a few thousand levels. No real reply comes near it.
 */
export const MAX_JSON_DEPTH = 256;

/** Whether brackets outside strings nest deeper than `max`: one linear pass, no parse. */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
