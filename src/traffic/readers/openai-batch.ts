import { toMessages } from '../normalise/messages.js';
import { buildMetadata } from '../normalise/metadata.js';
import { parseTimestamp } from '../normalise/timestamp.js';
import { isObj, num, str, type Obj } from '../normalise/values.js';
import { chatResponse } from './openai-chat.js';
import type { NormalisedRecord, ReaderContext } from './reader.js';

/**
 * OpenAI Batch API: an input file of `{custom_id, method, url, body}` and an output file of
 * `{id, custom_id, response: {status_code, body}, error}`, joined on `custom_id`. The output side is
 * read first and held (slimmed) in memory; the input side then streams past it.
 */
export interface BatchInput {
  customId: string;
  body: Obj;
}

/** The part of an output line the record needs; the rest is dropped before it is held in memory. */
export interface BatchOutput {
  customId: string;
  id: string | null;
  timestamp: string | null;
  response: NormalisedRecord['response'];
}

export function readBatchInput(value: unknown): BatchInput | string {
  if (!isObj(value)) return 'not a JSON object';
  const customId = str(value.custom_id);
  if (!customId) return 'missing required field "custom_id"';
  if (!isObj(value.body)) return 'missing required field "body"';
  return { customId, body: value.body };
}

export function readBatchOutput(value: unknown): BatchOutput | string {
  if (!isObj(value)) return 'not a JSON object';
  const customId = str(value.custom_id);
  if (!customId) return 'missing required field "custom_id"';
  const res = isObj(value.response) ? value.response : null;
  const body = isObj(res?.body) ? res.body : null;
  if (!res && !isObj(value.error)) return 'missing required field "response" (or "error")';
  const status = num(res?.status_code);
  return {
    customId,
    id: str(value.id),
    timestamp: parseTimestamp(body?.created),
    response: chatResponse(isObj(value.error) ? { error: value.error } : {}, body, status),
  };
}

/** One record from an input line, its output line, or both. Without an input there is nothing to replay. */
export function joinBatch(input: BatchInput | null, output: BatchOutput | null, ctx: ReaderContext): NormalisedRecord | string {
  const body = input?.body ?? {};
  const messages = input ? toMessages(body.messages) : [];
  if (messages === null) return 'body.messages is missing or not a list of messages';
  const { messages: _messages, metadata, user, ...params } = body;
  const customId = input?.customId ?? output?.customId ?? '';
  return {
    // custom_id is unique within one batch only; the output line's id is unique everywhere.
    sourceId: output?.id ?? `custom_id:${customId}:${JSON.stringify(body)}`,
    timestamp: output?.timestamp ?? ctx.fallbackTimestamp,
    request: { messages, params },
    metadata: buildMetadata([metadata, { user, custom_id: customId }]),
    response: output?.response ?? {
      model: null,
      output: null,
      status: null,
      latency_ms: null,
      input_tokens: null,
      output_tokens: null,
      cost_usd: null,
    },
    replayable: messages.length > 0,
  };
}
