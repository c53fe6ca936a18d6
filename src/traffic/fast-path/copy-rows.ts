import type { RowSink } from '../../store/row-sink.js';
import { requestJson, responseJson } from '../../store/traffic-json.js';

/**
 * COPY rows of one batch in Postgres' binary COPY format, encoded as they come into chunks of
 * COPY_CHUNK bytes: no buffer per row and no copying them together later (both cost more than the
 * encoding). The chunks are the messages sent to the server, after `COPY_HEADER` and before
 * `COPY_TRAILER`. Binary rather than text: the server skips splitting and unescaping each line
 * (about a fifth of its import time), and strings go in as they are, with no escaping here.
 */
export class CopyRows {
  readonly chunks: Buffer[] = [];
  rows = 0;
  private current: Buffer | null = null;
  private used = 0;

  /** Rows already encoded elsewhere (other batches, a worker thread). */
  static of(chunks: readonly Buffer[], rows: number): CopyRows {
    const batch = new CopyRows();
    batch.chunks.push(...chunks);
    batch.rows = rows;
    return batch;
  }

  /** Start a row of `fields` fields taking at most `room` bytes (field headers included). */
  row(fields: number, room: number): void {
    if (this.current === null || this.current.length - this.used < room) {
      this.seal();
      this.current = Buffer.allocUnsafeSlow(Math.max(COPY_CHUNK, room));
    }
    this.used = this.current.writeInt16BE(fields, this.used);
    this.rows++;
  }

  /** A text, json or varchar field: the string's UTF-8 bytes. `prefix` is a leading byte (jsonb's version). */
  text(s: string, prefix = -1): void {
    const buf = this.current as Buffer;
    const at = this.used + 4;
    let n = 0;
    if (prefix >= 0) buf[at + n++] = prefix;
    n += buf.write(s, at + n, 'utf8');
    buf.writeInt32BE(n, this.used);
    this.used = at + n;
  }

  /** An ASCII-only text field (ids, format names): one byte per character, no UTF-8 encoding. */
  ascii(s: string): void {
    const buf = this.current as Buffer;
    const n = buf.write(s, this.used + 4, 'latin1');
    buf.writeInt32BE(n, this.used);
    this.used += 4 + n;
  }

  int4(v: number): void {
    const buf = this.current as Buffer;
    buf.writeInt32BE(4, this.used);
    this.used = buf.writeInt32BE(v, this.used + 4);
  }

  bool(v: boolean): void {
    const buf = this.current as Buffer;
    buf.writeInt32BE(1, this.used);
    buf[this.used + 4] = v ? 1 : 0;
    this.used += 5;
  }

  /** timestamptz: microseconds since 2000-01-01 UTC as a signed 64-bit integer. */
  timestamp(epochMs: number): void {
    const buf = this.current as Buffer;
    const us = epochMs * 1000 - PG_EPOCH_US;
    const high = Math.floor(us / 2 ** 32);
    buf.writeInt32BE(8, this.used);
    buf.writeInt32BE(high, this.used + 4);
    this.used = buf.writeUInt32BE(us - high * 2 ** 32, this.used + 8);
  }

  /** The filled chunks; the batch takes no more rows after this. */
  seal(): readonly Buffer[] {
    if (this.current !== null && this.used > 0) this.chunks.push(this.current.subarray(0, this.used));
    this.current = null;
    this.used = 0;
    return this.chunks;
  }
}

const COPY_CHUNK = 256 * 1024;
/** 2000-01-01T00:00:00Z in microseconds since 1970. */
const PG_EPOCH_US = Date.UTC(2000, 0, 1) * 1000;

/** Signature, flags (no OIDs), header extension length (none). */
export const COPY_HEADER = Buffer.from([...Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), 0, 0, 0, 0, 0, 0, 0, 0]);
/** A field count of -1 ends the data. */
export const COPY_TRAILER = Buffer.from([0xff, 0xff]);

/** Bytes a row can take besides its strings: the field count, eight field lengths, ts, int, bool and jsonb's version byte. */
const ROW_OVERHEAD = 2 + 8 * 4 + 8 + 4 + 1 + 1;

/**
 * Traffic rows for `copy traffic (TRAFFIC_COLUMN_LIST) from stdin with (format binary)`: one field
 * per column of store/traffic-columns.ts, in that order (the schema's; test/unit/store/traffic-columns.test.ts
 * fails if the two part), encoded as each record is read: a pending batch then
 * holds bytes outside the JS heap, not strings on it.
 */
export function copyRowEncoder(importId: number): RowSink<CopyRows> & { concat(batches: CopyRows[]): CopyRows } {
  return {
    batch: () => new CopyRows(),
    concat: (batches) =>
      CopyRows.of(
        batches.flatMap((b) => b.seal()),
        batches.reduce((n, b) => n + b.rows, 0),
      ),
    add: (rows, r) => {
      const request = requestJson(r.request);
      const metadata = JSON.stringify(r.metadata);
      const response = responseJson(r.response);
      // Checked before the row starts: a record that throws leaves the batch as it was (the gateway's
      // log drops that record and writes the rest).
      const ts = Date.parse(r.timestamp);
      if (!Number.isFinite(ts)) throw new Error(`traffic row ${r.id}: timestamp ${JSON.stringify(r.timestamp)} is not a date`);
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      rows.row(8, ROW_OVERHEAD + r.id.length + r.format.length + 3 * (request.length + metadata.length + response.length));
      rows.ascii(r.id);
      rows.timestamp(ts);
      rows.text(request);
      rows.text(metadata, JSONB_VERSION);
      rows.text(response);
      rows.bool(r.replayable);
      rows.ascii(r.format);
      rows.int4(importId);
    },
  };
}

/** jsonb's binary form is a version byte, then the JSON text. */
const JSONB_VERSION = 1;
