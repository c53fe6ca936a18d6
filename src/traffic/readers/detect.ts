import type { TrafficFormat } from '../../domain/traffic-record.js';
import { isObj } from '../normalise/values.js';

/** Which file of an OpenAI Batch a line belongs to; the two are joined on `custom_id`. */
export type BatchRole = 'batch-input' | 'batch-output';

export interface Detected {
  format: TrafficFormat;
  role?: BatchRole;
}

/** The format of one parsed value, from the fields only that format writes; null when none fits. */
export function detectFormat(value: unknown): Detected | null {
  if (!isObj(value)) return null;
  if (Array.isArray(value.resourceSpans)) return { format: 'otel' };
  if (typeof value.custom_id === 'string') {
    if (isObj(value.body)) return { format: 'openai-batch', role: 'batch-input' };
    if ('response' in value || 'error' in value) return { format: 'openai-batch', role: 'batch-output' };
  }
  if (isObj(value.request) && (Array.isArray(value.request.messages) || 'response' in value)) return { format: 'openai-chat' };
  if ('call_type' in value || ('request_id' in value && ('spend' in value || 'startTime' in value))) return { format: 'litellm' };
  if (('traceId' in value || 'trace_id' in value) && ('type' in value || 'startTime' in value || 'start_time' in value))
    return { format: 'langfuse' };
  if ('spanId' in value && 'attributes' in value) return { format: 'otel' };
  return null;
}

/** The batch role of a value already known to be a Batch line. */
export function batchRole(value: unknown): BatchRole | null {
  const d = detectFormat(value);
  return d?.format === 'openai-batch' ? (d.role ?? null) : null;
}
