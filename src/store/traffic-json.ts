import type { TrafficRequest, TrafficResponse } from '../domain/traffic-record.js';

/**
 * JSON text of the fixed-shape parts of a traffic row, written field by field: about a quarter
 * cheaper than JSON.stringify of the whole object, which is a large share of an import's CPU time.
 * Strings go through JSON.stringify, so escaping is exactly its own. The text is what
 * JSON.stringify writes for a record built in schema order; the field lists are held to the zod
 * schemas by a test, so a new field cannot be left out silently. Params and metadata are the
 * caller's own objects and go through JSON.stringify whole.
 */
export const MESSAGE_FIELDS = ['role', 'content', 'name'] as const;
export const RESPONSE_FIELDS = ['model', 'output', 'status', 'latency_ms', 'input_tokens', 'output_tokens', 'cost_usd'] as const;

export function requestJson(request: TrafficRequest): string {
  let out = '{"messages":[';
  const messages = request.messages;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as TrafficRequest['messages'][number];
    if (i > 0) out += ',';
    out += `{"role":${JSON.stringify(m.role)},"content":${JSON.stringify(m.content)}`;
    out += m.name === undefined ? '}' : `,"name":${JSON.stringify(m.name)}}`;
  }
  return `${out}],"params":${JSON.stringify(request.params)}}`;
}

export function responseJson(r: TrafficResponse): string {
  return (
    `{"model":${nullableString(r.model)},"output":${nullableString(r.output)},"status":${number(r.status)},"latency_ms":${number(r.latency_ms)},` +
    `"input_tokens":${number(r.input_tokens)},"output_tokens":${number(r.output_tokens)},"cost_usd":${number(r.cost_usd)}}`
  );
}

const nullableString = (s: string | null) => (s === null ? 'null' : JSON.stringify(s));
/** As JSON.stringify writes a number: NaN and the infinities become null. */
const number = (n: number | null) => (n !== null && Number.isFinite(n) ? String(n) : 'null');
