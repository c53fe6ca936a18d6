import { hash } from 'node:crypto';
import type { TrafficFormat } from '../domain/traffic-record.js';
import type { NormalisedRecord } from './readers/reader.js';

const prefixes = new Map<string, Buffer>();

/**
 * A stable id: from the producer's id when there is one, else from the content as read — the raw
 * line when the record is the whole line (cheap: no re-serialising), before redaction either way,
 * so changing the redaction patterns does not make old records look new. Hashed, so a source id
 * that carries something personal never lands in the store as is. The hash is of
 * `format NUL source`; one-shot `hash` is that, without a Hash object per line.
 */
export function recordId(format: TrafficFormat, record: NormalisedRecord, raw?: Buffer): string {
  let digest: string;
  if (record.sourceId !== null) digest = hash('sha256', `${format}\u0000${record.sourceId}`, 'hex');
  else if (raw) {
    let prefix = prefixes.get(format);
    if (!prefix) prefixes.set(format, (prefix = Buffer.from(`${format}\u0000`)));
    digest = hash('sha256', Buffer.concat([prefix, raw], prefix.length + raw.length), 'hex');
  } else digest = hash('sha256', `${format}\u0000${JSON.stringify([record.timestamp, record.request, record.metadata, record.response])}`, 'hex');
  return `t_${digest.slice(0, 32)}`;
}
