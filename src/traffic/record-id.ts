import { createHash } from 'node:crypto';
import type { TrafficFormat } from '../domain/traffic-record.js';
import type { NormalisedRecord } from './readers/reader.js';

/**
 * A stable id: from the producer's id when there is one, else from the content as read — the raw
 * line when the record is the whole line (cheap: no re-serialising), before redaction either way,
 * so changing the redaction patterns does not make old records look new. Hashed, so a source id
 * that carries something personal never lands in the store as is.
 */
export function recordId(format: TrafficFormat, record: NormalisedRecord, raw?: Buffer): string {
  const hash = createHash('sha256').update(format).update('\u0000');
  if (record.sourceId !== null) hash.update(record.sourceId);
  else if (raw) hash.update(raw);
  else hash.update(JSON.stringify([record.timestamp, record.request, record.metadata, record.response]));
  return `t_${hash.digest('hex').slice(0, 32)}`;
}
