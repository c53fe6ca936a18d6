import type { Message } from '../../domain/traffic-record.js';
import { contentText, toMessage, toMessages } from '../normalise/messages.js';
import { buildMetadata } from '../normalise/metadata.js';
import { providerKindOf } from '../normalise/provider-kind.js';
import { durationMs, parseTimestamp } from '../normalise/timestamp.js';
import { decodeJsonField, isObj, num, pick, statusFrom, str, type Obj } from '../normalise/values.js';
import { bad, one, skip, type Reader } from './reader.js';

/**
 * Langfuse observation exports (one observation per line; camelCase from the UI/API, snake_case from
 * blob exports). Only GENERATION observations are model calls; spans and events are skipped.
 */
export const readLangfuse: Reader = (value) => {
  if (!isObj(value)) return bad('not a JSON object');
  const type = str(value.type);
  if (type && type.toUpperCase() !== 'GENERATION') return skip();
  const id = str(value.id);
  if (!id) return bad('missing required field "id"');
  const start = pick(value, 'startTime', 'start_time');
  const timestamp = parseTimestamp(start);
  if (!timestamp) return bad('missing or unreadable required field "startTime"');

  const messages = inputMessages(decodeJsonField(value.input));
  const parameters = decodeJsonField(pick(value, 'modelParameters', 'model_parameters'));
  const model = str(pick(value, 'model', 'providedModelName', 'provided_model_name'));
  const params: Obj = { ...(model ? { model } : {}), ...(isObj(parameters) ? parameters : {}) };
  const usage = decodeJsonField(pick(value, 'usageDetails', 'usage_details', 'usage'));
  const u: Obj = isObj(usage) ? usage : {};
  const cost = decodeJsonField(pick(value, 'costDetails', 'cost_details'));
  const level = str(value.level);
  const statusMessage = str(pick(value, 'statusMessage', 'status_message'));

  return one({
    sourceId: id,
    timestamp,
    request: { messages, params },
    metadata: buildMetadata(
      [
        value.metadata,
        { trace_id: str(pick(value, 'traceId', 'trace_id')), name: str(value.name), ...providerOf(decodeJsonField(value.metadata)) },
      ],
      value.tags,
    ),
    response: {
      model,
      output: outputText(decodeJsonField(value.output)),
      status: level === 'ERROR' ? (statusFrom(statusMessage) ?? 500) : 200,
      latency_ms: durationMs(start, pick(value, 'endTime', 'end_time')),
      input_tokens:
        num(pick(u, 'input', 'promptTokens', 'prompt_tokens', 'input_tokens')) ?? num(pick(value, 'promptTokens', 'prompt_tokens')),
      output_tokens:
        num(pick(u, 'output', 'completionTokens', 'completion_tokens', 'output_tokens')) ??
        num(pick(value, 'completionTokens', 'completion_tokens')),
      cost_usd:
        num(pick(value, 'calculatedTotalCost', 'calculated_total_cost', 'totalCost', 'total_cost')) ??
        (isObj(cost) ? num(cost.total) : null),
    },
    replayable: messages.length > 0,
  });
};

/** Input as a message list, `{messages: [...]}`, or a bare prompt string (one user turn). */
function inputMessages(input: unknown): Message[] {
  if (typeof input === 'string') return input === '' ? [] : [{ role: 'user', content: input }];
  if (isObj(input)) return toMessages(input.messages) ?? [];
  return toMessages(input) ?? [];
}

function outputText(output: unknown): string | null {
  if (output === null || output === undefined) return null;
  if (typeof output === 'string') return output;
  if (isObj(output)) {
    if (Array.isArray(output.choices)) {
      const first: unknown = output.choices[0];
      if (isObj(first)) return toMessage({ role: 'assistant', ...(isObj(first.message) ? first.message : {}) })?.content ?? null;
    }
    const m = toMessage(output);
    if (m) return m.content;
    if (output.content !== undefined) return contentText(output.content);
    return JSON.stringify(output);
  }
  if (Array.isArray(output))
    return contentText(
      output.map((m: unknown) => (isObj(m) && m.content !== undefined ? { type: 'text', text: contentText(m.content) } : m)),
    );
  return String(output);
}

/**
 * The provider a Langfuse generation's metadata names: LangChain's `ls_provider`, or the OTel
 * attributes the Langfuse SDK keeps (`gen_ai.provider.name`, `gen_ai.system`), top level or under
 * `attributes`. Raw name as `provider`, our kind as `provider_kind`.
 */
function providerOf(metadata: unknown): { provider?: string; provider_kind?: string } {
  if (!isObj(metadata)) return {};
  const attrs = isObj(metadata.attributes) ? metadata.attributes : {};
  const name =
    str(metadata.provider) ??
    str(metadata.ls_provider) ??
    str(metadata['gen_ai.provider.name']) ??
    str(metadata['gen_ai.system']) ??
    str(attrs['gen_ai.provider.name']) ??
    str(attrs['gen_ai.system']);
  if (!name) return {};
  const kind = providerKindOf(name);
  return kind ? { provider: name, provider_kind: kind } : { provider: name };
}
