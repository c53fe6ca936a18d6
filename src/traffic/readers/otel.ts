import type { Message } from '../../domain/traffic-record.js';
import { contentText, toMessages } from '../normalise/messages.js';
import { buildMetadata } from '../normalise/metadata.js';
import { providerKindOf } from '../normalise/provider-kind.js';
import { fromEpoch } from '../normalise/timestamp.js';
import { decodeJsonField, isObj, num, statusFrom, str, type Obj } from '../normalise/values.js';
import type { NormalisedRecord, ReadOutput, Reader } from './reader.js';

/**
 * OpenTelemetry GenAI client spans as OTLP JSON (`resourceSpans[].scopeSpans[].spans[]`). Messages
 * come from, in order of preference: the current `gen_ai.input.messages` / `gen_ai.output.messages`
 * (+ `gen_ai.system_instructions`), the deprecated `gen_ai.prompt` / `gen_ai.completion` (a JSON
 * string, or flattened `gen_ai.prompt.0.role`), and the deprecated span events
 * (`gen_ai.user.message`, `gen_ai.choice`, `gen_ai.content.prompt`, …). Spans without any
 * `gen_ai.*` attribute are not model calls and are skipped.
 */
export const readOtel: Reader = (value) => {
  const out: ReadOutput = { records: [], bad: [], skipped: 0 };
  if (!isObj(value)) return { ...out, bad: ['not a JSON object'] };
  if (!Array.isArray(value.resourceSpans)) {
    // A single span, as some exporters write them one per line.
    if (isObj(value) && value.spanId !== undefined) collect(out, value, {});
    else out.bad.push('missing required field "resourceSpans"');
    return out;
  }
  for (const rs of value.resourceSpans) {
    if (!isObj(rs)) continue;
    const resource = attributes(isObj(rs.resource) ? rs.resource.attributes : undefined);
    const scopes = Array.isArray(rs.scopeSpans)
      ? rs.scopeSpans
      : Array.isArray(rs.instrumentationLibrarySpans)
        ? rs.instrumentationLibrarySpans
        : [];
    for (const ss of scopes) {
      if (!isObj(ss) || !Array.isArray(ss.spans)) continue;
      for (const span of ss.spans) collect(out, span, resource);
    }
  }
  return out;
};

function collect(out: ReadOutput, span: unknown, resource: Obj): void {
  const r = readSpan(span, resource);
  if (r === 'skip') out.skipped++;
  else if (typeof r === 'string') out.bad.push(r);
  else out.records.push(r);
}

function readSpan(span: unknown, resource: Obj): NormalisedRecord | 'skip' | string {
  if (!isObj(span)) return 'span is not a JSON object';
  const a = attributes(span.attributes);
  const events = Array.isArray(span.events) ? span.events.filter(isObj) : [];
  const isGenAi = Object.keys(a).some((k) => k.startsWith('gen_ai.')) || events.some((e) => String(e.name).startsWith('gen_ai.'));
  if (!isGenAi) return 'skip';
  const traceId = str(span.traceId);
  const spanId = str(span.spanId);
  if (!traceId || !spanId) return 'span lacks required "traceId" / "spanId"';
  const startNs = num(span.startTimeUnixNano);
  const timestamp = startNs !== null ? fromEpoch(startNs) : null;
  if (!timestamp) return `span ${spanId} lacks required "startTimeUnixNano"`;
  const endNs = num(span.endTimeUnixNano);

  const messages = inputMessages(a, events);
  const params: Obj = {};
  for (const [k, v] of Object.entries(a)) if (k.startsWith('gen_ai.request.')) params[k.slice('gen_ai.request.'.length)] = v;
  const custom: Obj = {};
  for (const [k, v] of Object.entries(a)) if (k.startsWith('metadata.')) custom[k.slice('metadata.'.length)] = v;

  return {
    sourceId: `${traceId}:${spanId}`,
    timestamp,
    request: { messages, params },
    metadata: buildMetadata(
      [
        custom,
        {
          user: str(a['user.id']) ?? str(a['enduser.id']),
          service: str(resource['service.name']),
          operation: str(a['gen_ai.operation.name']),
          conversation_id: str(a['gen_ai.conversation.id']),
          provider: str(a['gen_ai.provider.name']) ?? str(a['gen_ai.system']),
          provider_kind: providerKindOf(str(a['gen_ai.provider.name']) ?? str(a['gen_ai.system'])),
        },
      ],
      a.tags,
    ),
    response: {
      model: str(a['gen_ai.response.model']) ?? str(a['gen_ai.request.model']),
      output: outputText(a, events),
      status: spanStatus(span, a),
      latency_ms: startNs !== null && endNs !== null && endNs >= startNs ? (endNs - startNs) / 1e6 : null,
      input_tokens: num(a['gen_ai.usage.input_tokens']) ?? num(a['gen_ai.usage.prompt_tokens']),
      output_tokens: num(a['gen_ai.usage.output_tokens']) ?? num(a['gen_ai.usage.completion_tokens']),
      cost_usd: num(a['gen_ai.usage.cost']),
    },
    replayable: messages.length > 0,
  };
}

/** OTLP AnyValue → plain JSON (int64 arrive as strings). */
function anyValue(v: unknown): unknown {
  if (!isObj(v)) return v;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return num(v.intValue);
  if ('doubleValue' in v) return num(v.doubleValue);
  if ('boolValue' in v) return v.boolValue;
  if (isObj(v.arrayValue)) return (Array.isArray(v.arrayValue.values) ? v.arrayValue.values : []).map(anyValue);
  if (isObj(v.kvlistValue)) return attributes(v.kvlistValue.values);
  if ('bytesValue' in v) return v.bytesValue;
  return null;
}

function attributes(list: unknown): Obj {
  const out: Obj = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) if (isObj(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value);
  return out;
}

const EVENT_ROLES: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

function inputMessages(a: Obj, events: Obj[]): Message[] {
  const system = a['gen_ai.system_instructions'];
  const systemMessages: Message[] = system !== undefined ? [{ role: 'system', content: contentText(decodeJsonField(system)) }] : [];
  const current = toMessages(a['gen_ai.input.messages']);
  if (current?.length) return [...systemMessages, ...current];
  const prompt = promptMessages(a, 'gen_ai.prompt');
  if (prompt.length) return prompt;
  for (const e of events) {
    const ea = attributes(e.attributes);
    const inEvent = toMessages(ea['gen_ai.input.messages']) ?? promptMessages(ea, 'gen_ai.prompt');
    if (inEvent.length) return inEvent;
  }
  const fromEvents: Message[] = [];
  for (const e of events) {
    const role = EVENT_ROLES[String(e.name)];
    if (!role) continue;
    const ea = attributes(e.attributes);
    fromEvents.push({ role: str(ea.role) ?? role, content: contentText(decodeJsonField(ea.content ?? e.body)) });
  }
  return fromEvents;
}

/** `gen_ai.prompt` as a JSON message list or plain text, or flattened `gen_ai.prompt.N.role/content`. */
function promptMessages(a: Obj, key: string): Message[] {
  const whole = a[key];
  if (whole !== undefined) {
    const list = toMessages(whole);
    if (list) return list;
    const text = contentText(decodeJsonField(whole));
    return text ? [{ role: 'user', content: text }] : [];
  }
  const out: Message[] = [];
  for (let i = 0; a[`${key}.${i}.content`] !== undefined || a[`${key}.${i}.role`] !== undefined; i++) {
    out.push({ role: str(a[`${key}.${i}.role`]) ?? 'user', content: contentText(a[`${key}.${i}.content`]) });
  }
  return out;
}

function outputText(a: Obj, events: Obj[]): string | null {
  const current = toMessages(a['gen_ai.output.messages']);
  if (current?.length) return current.map((m) => m.content).join('\n');
  const completion = promptMessages(a, 'gen_ai.completion');
  if (completion.length) return completion.map((m) => m.content).join('\n');
  for (const e of events) {
    const ea = attributes(e.attributes);
    if (e.name === 'gen_ai.choice') {
      const message = decodeJsonField(ea.message ?? e.body);
      return contentText(isObj(message) ? (message.content ?? message.parts) : (ea.content ?? message));
    }
    const inEvent = toMessages(ea['gen_ai.output.messages']) ?? promptMessages(ea, 'gen_ai.completion');
    if (inEvent.length) return inEvent.map((m) => m.content).join('\n');
  }
  return null;
}

/** OTLP status code 2 (ERROR) is a failed call: the HTTP status if recorded, else 500. */
function spanStatus(span: Obj, a: Obj): number | null {
  const status = isObj(span.status) ? span.status : {};
  const code = status.code;
  const failed = code === 2 || code === 'STATUS_CODE_ERROR' || a['error.type'] !== undefined;
  if (!failed) return 200;
  return statusFrom(a['http.response.status_code']) ?? statusFrom(a['error.type']) ?? statusFrom(status.message) ?? 500;
}
