import { addTo, dataRecord } from '../domain/data-record.js';
import type { TrafficFormat } from '../domain/traffic-record.js';
import type { RowSink } from '../store/row-sink.js';
import { decode, type RawItem } from './readers/line-source.js';
import type { NormalisedRecord, Reader, ReaderContext } from './readers/reader.js';
import { recordId } from './record-id.js';
import type { Scrubber } from './scrub.js';

/** What turning values into rows needs; the same on the main thread and in a worker. */
export interface RowMaker<Batch> {
  format: TrafficFormat;
  scrub: Scrubber;
  sink: RowSink<Batch>;
}

/** Rows serialised into one batch, with what was counted and refused on the way. */
export interface ValueRows<Batch> {
  batch: Batch;
  rows: number;
  notReplayable: number;
  /** Values that were read but hold no traffic (OTLP spans that are not GenAI calls). */
  skipped: number;
  redacted: number;
  redactedKinds: Record<string, number>;
  /** Bad values and bad records, by line, in file order. */
  bad: Array<{ line: number; reason: string }>;
}

export function emptyRows<Batch>(sink: RowSink<Batch>): ValueRows<Batch> {
  return { batch: sink.batch(), rows: 0, notReplayable: 0, skipped: 0, redacted: 0, redactedKinds: dataRecord<number>(), bad: [] };
}

/**
 * One record into `out`: its stable id (from the line as read, before redaction), then redaction,
 * then the row.
 */
export function addRecord<Batch>(out: ValueRows<Batch>, maker: RowMaker<Batch>, record: NormalisedRecord, raw?: Buffer): void {
  const id = recordId(maker.format, record, raw);
  const scrubbed = maker.scrub(record);
  if (scrubbed.count) {
    out.redacted += scrubbed.count;
    for (const k in scrubbed.kinds) addTo(out.redactedKinds, k, scrubbed.kinds[k] as number);
  }
  const r = scrubbed.record;
  if (!r.replayable) out.notReplayable++;
  maker.sink.add(out.batch, {
    id,
    timestamp: r.timestamp,
    request: r.request,
    metadata: r.metadata,
    response: r.response,
    replayable: r.replayable,
    format: maker.format,
  });
  out.rows++;
}

/** Parse, read, identify, redact and serialise the values of one chunk of a file. */
export function valuesToRows<Batch>(
  items: readonly RawItem[],
  reader: Reader,
  ctx: ReaderContext,
  maker: RowMaker<Batch>,
): ValueRows<Batch> {
  const out = emptyRows(maker.sink);
  for (const rawItem of items) {
    const item = decode(rawItem);
    if ('reason' in item) {
      out.bad.push({ line: item.line, reason: item.reason });
      continue;
    }
    const read = reader(item.value, ctx);
    out.skipped += read.skipped;
    for (const reason of read.bad) out.bad.push({ line: item.line, reason });
    // The raw line identifies a record only when the line is that one record.
    const raw = read.records.length === 1 ? item.raw : undefined;
    for (const record of read.records) addRecord(out, maker, record, raw);
  }
  return out;
}
