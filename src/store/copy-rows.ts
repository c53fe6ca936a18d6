import type { RowSink } from './row-sink.js';

/** COPY text format: only backslash needs escaping, since JSON.stringify never leaves a raw tab or newline. */
const copyText = (json: string) => (json.includes('\\') ? json.replaceAll('\\', '\\\\') : json);

/**
 * COPY text rows of one batch, encoded as they come into chunks of COPY_CHUNK bytes: no buffer per
 * row and no copying them together later (both cost more than the encoding). The chunks are the
 * messages sent to the server.
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

  append(row: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; a row that might not fit starts a new chunk.
    const room = row.length * 3;
    if (this.current === null || this.current.length - this.used < room) {
      this.seal();
      this.current = Buffer.allocUnsafeSlow(Math.max(COPY_CHUNK, room));
    }
    this.used += this.current.write(row, this.used);
    this.rows++;
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

/**
 * Traffic rows as COPY text for `copy traffic (id, ts, request, metadata, response, replayable,
 * format, import_id) from stdin`, encoded as each record is read: a pending batch then holds bytes
 * outside the JS heap, not strings on it. No database here, so a worker thread can encode too.
 */
export function copyRowEncoder(importId: number): RowSink<CopyRows> & { concat(batches: CopyRows[]): CopyRows } {
  return {
    batch: () => new CopyRows(),
    concat: (batches) => CopyRows.of(batches.flatMap((b) => b.seal()), batches.reduce((n, b) => n + b.rows, 0)),
    add: (rows, r) =>
      rows.append(
        `${r.id}\t${r.timestamp}\t${copyText(JSON.stringify(r.request))}\t${copyText(JSON.stringify(r.metadata))}\t${copyText(JSON.stringify(r.response))}\t${r.replayable ? 't' : 'f'}\t${r.format}\t${importId}\n`,
      ),
  };
}
