import { choiceText, toMessages } from '../normalise/messages.js';
import { buildMetadata } from '../normalise/metadata.js';
import { providerKindOf } from '../normalise/provider-kind.js';
import { durationMs, parseTimestamp } from '../normalise/timestamp.js';
import { decodeJsonField, isObj, num, pick, statusFrom, str, type Obj } from '../normalise/values.js';
import { bad, one, type Reader } from './reader.js';

/**
 * LiteLLM proxy logs, both shapes: `LiteLLM_SpendLogs` rows (`request_id`, `startTime` as
 * `2026-11-20 09:01:12.104211`, `metadata` / `messages` / `response` / `request_tags` as JSON
 * strings, `spend`) and the StandardLoggingPayload of callbacks (`id`, epoch-seconds `startTime`,
 * objects instead of strings, `response_cost`, `error_information`, `model_parameters`).
 *
 * With message logging off LiteLLM stores `messages: "{}"`: the record keeps its model, tokens,
 * cost, latency and status and is marked not replayable.
 */
export const readLiteLlm: Reader = (value) => {
  if (!isObj(value)) return bad('not a JSON object');
  const id = str(pick(value, 'request_id', 'id'));
  if (!id) return bad('missing required field "request_id"');
  const timestamp = parseTimestamp(pick(value, 'startTime', 'start_time'));
  if (!timestamp) return bad('missing or unreadable required field "startTime"');

  const metadata = decodeJsonField(value.metadata);
  const meta: Obj = isObj(metadata) ? metadata : {};
  const proxyRequest = decodeJsonField(value.proxy_server_request);
  const requestBody: Obj = isObj(proxyRequest) ? proxyRequest : {};
  const messages = toMessages(value.messages) ?? toMessages(requestBody.messages) ?? [];

  const usage = isObj(meta.usage_object) ? meta.usage_object : {};
  const { messages: _messages, metadata: _meta, ...bodyParams } = requestBody;
  const modelParameters = decodeJsonField(value.model_parameters);
  const params: Obj = { ...bodyParams, ...(isObj(modelParameters) ? modelParameters : {}) };
  const model = str(value.model);
  if (model && params.model === undefined) params.model = str(value.model_group) ?? model;

  return one({
    sourceId: id,
    timestamp,
    request: { messages, params },
    metadata: buildMetadata(
      [
        meta.requester_metadata,
        isObj(meta.spend_logs_metadata) ? meta.spend_logs_metadata : null,
        {
          user: str(value.end_user) ?? str(value.user) ?? str(meta.user_api_key_user_id),
          team: str(value.team_id) ?? str(meta.user_api_key_team_id),
          model_group: str(value.model_group),
          provider: str(value.custom_llm_provider),
          provider_kind: providerKindOf(str(value.custom_llm_provider)),
        },
      ],
      value.request_tags,
    ),
    response: {
      model,
      output: choiceText(value.response),
      status: litellmStatus(value, meta),
      latency_ms: durationMs(pick(value, 'startTime', 'start_time'), pick(value, 'endTime', 'end_time')),
      input_tokens: num(pick(value, 'prompt_tokens')) ?? num(usage.prompt_tokens),
      output_tokens: num(pick(value, 'completion_tokens')) ?? num(usage.completion_tokens),
      cost_usd: num(pick(value, 'spend', 'response_cost')),
    },
    replayable: messages.length > 0,
  });
};

/** `success` → 200; a failure takes its code from `error_information` (top level or in metadata), else 500. */
function litellmStatus(value: Obj, meta: Obj): number | null {
  const status = str(value.status);
  const info = decodeJsonField(value.error_information ?? meta.error_information);
  if (status === 'success') return 200;
  const code = isObj(info) ? (statusFrom(info.error_code) ?? statusFrom(info.error_message)) : null;
  if (status === 'failure' || isObj(info)) return code ?? statusFrom(value.error_str) ?? 500;
  return statusFrom(value.status);
}
