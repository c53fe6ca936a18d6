import type { TrafficResponse } from '../../domain/traffic-record.js';
import { choiceText, toMessages } from '../normalise/messages.js';
import { buildMetadata } from '../normalise/metadata.js';
import { parseTimestamp } from '../normalise/timestamp.js';
import { decodeJsonField, isObj, num, pick, statusFrom, str, type Obj } from '../normalise/values.js';
import { bad, one, type Reader } from './reader.js';

/**
 * One request/response pair per line: `{request: CreateChatCompletionRequest, response:
 * CreateChatCompletionResponse, metadata, latency_ms, timestamp}`. Required: `request.messages` and
 * a time (`timestamp`, else `response.created`). An `id` / `request_id` at the top is the record's id.
 */
export const readOpenAiChat: Reader = (value) => {
  if (!isObj(value)) return bad('not a JSON object');
  const request = decodeJsonField(pick(value, 'request', 'body'));
  if (!isObj(request)) return bad('missing required field "request"');
  const messages = toMessages(request.messages);
  if (messages === null) return bad('request.messages is missing or not a list of messages');
  const res = decodeJsonField(value.response);
  const response = isObj(res) ? res : null;
  const timestamp = parseTimestamp(pick(value, 'timestamp', 'created_at', 'time', 'ts')) ?? parseTimestamp(response?.created);
  if (!timestamp) return bad('missing required field "timestamp" (and no response.created)');
  const { messages: _messages, metadata: requestMetadata, user, ...params } = request;
  return one({
    // A log line's own id (`id`, `request_id`) when it has one; else the raw line is hashed.
    sourceId: str(pick(value, 'id', 'request_id')),
    timestamp,
    request: { messages, params },
    metadata: buildMetadata([value.metadata, requestMetadata, { user }], value.tags),
    response: chatResponse(value, response),
    replayable: messages.length > 0,
  });
};

/** The response half shared with the Batch reader: model, text, status, usage. */
export function chatResponse(line: Obj, response: Obj | null, explicitStatus: number | null = null): TrafficResponse {
  const usage = isObj(response?.usage) ? response.usage : {};
  const error = isObj(response?.error) ? response.error : isObj(line.error) ? line.error : null;
  const status =
    explicitStatus ??
    statusFrom(pick(line, 'status', 'status_code')) ??
    (error ? (statusFrom(error.code) ?? statusFrom(error.status) ?? 500) : response ? 200 : null);
  return {
    model: str(response?.model),
    output: choiceText(response),
    status,
    latency_ms: num(pick(line, 'latency_ms', 'latency')),
    input_tokens: num(pick(usage, 'prompt_tokens', 'input_tokens')),
    output_tokens: num(pick(usage, 'completion_tokens', 'output_tokens')),
    cost_usd: num(pick(line, 'cost_usd', 'cost')),
  };
}
