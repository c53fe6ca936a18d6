import { hash } from 'node:crypto';
import type { TrafficFormat } from '../domain/traffic-record.js';
import type { NormalisedRecord } from './readers/reader.js';

/** `format NUL` and the line are hashed as one run of bytes, copied into this reused buffer (longer lines get their own). */
const scratch = Buffer.allocUnsafeSlow(64 * 1024);

/**
 * A stable id: from the producer's id when there is one, else from the content as read — the raw
 * line when the record is the whole line (cheap: no re-serialising), before redaction either way,
 * so changing the redaction patterns does not make old records look new. Hashed, so a source id
 * that carries something personal never lands in the store as is. The hash is of
 * `format NUL source`, one-shot, without a Hash object or a new buffer per line (Buffer.concat cost
 * twice the hash itself).
 */
export function recordId(format: TrafficFormat, record: NormalisedRecord, raw?: Buffer): string {
  let digest: string;
  if (record.sourceId !== null) digest = hash('sha256', `${format}\u0000${record.sourceId}`, 'hex');
  else if (raw) {
    const size = format.length + 1 + raw.length;
    const buf = size <= scratch.length ? scratch : Buffer.allocUnsafe(size);
    // Format names are ASCII: one byte per character.
    const at = buf.write(format, 0, 'latin1');
    buf[at] = 0;
    raw.copy(buf, at + 1);
    digest = hash('sha256', buf.subarray(0, size), 'hex');
  } else
    digest = hash(
      'sha256',
      `${format}\u0000${JSON.stringify([record.timestamp, record.request, record.metadata, record.response])}`,
      'hex',
    );
  return `t_${digest.slice(0, 32)}`;
}
