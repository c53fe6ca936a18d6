import { randomUUID } from 'node:crypto';
import type { TrafficRecord } from '../domain/traffic-record.js';
import type { Store } from '../store/db.js';
import { createImport, finishImport } from '../store/repos/traffic-import-repo.js';
import { jsonTrafficWriter } from '../store/repos/traffic-repo.js';
import type { NormalisedRecord } from '../traffic/readers/reader.js';
import { createRedactor, type UserPattern } from '../redact/redact-text.js';
import { createScrubber } from '../traffic/scrub.js';

/**
 * Served requests back into the store as traffic records, in the shape imports produce, through
 * the same redactor (every string of request, metadata and response). Off the request path: `log`
 * only appends to a bounded buffer (a full buffer drops the record and counts it, it never blocks);
 * a timer writes batches. Redaction happens at write time too, so it costs the request nothing.
 * All records of one gateway process belong to one `traffic_imports` row (format `gateway`).
 */
export interface TrafficLogOptions {
  store: Store;
  /** Shown as the import's file in `traffic imports`. */
  source: string;
  redactPatterns?: UserPattern[];
  maxBuffer?: number;
  batchSize?: number;
  flushEveryMs?: number;
  onWritten?: (n: number) => void;
  onDropped?: (n: number) => void;
}

export interface TrafficLog {
  /** Queue a record; false when the buffer was full and it was dropped. */
  log(record: NormalisedRecord): boolean;
  /** Write whatever is buffered now. */
  flush(): Promise<void>;
  close(): Promise<void>;
  stats(): { written: number; dropped: number; buffered: number };
}

const SLICE = 32;

export async function createTrafficLog(opts: TrafficLogOptions): Promise<TrafficLog> {
  const importId = await createImport(opts.store.db, [opts.source], 'gateway');
  const writer = jsonTrafficWriter(opts.store.db, importId);
  const scrub = createScrubber(createRedactor(opts.redactPatterns ?? []));
  const maxBuffer = opts.maxBuffer ?? 10_000;
  const batchSize = opts.batchSize ?? 500;
  let buffer: NormalisedRecord[] = [];
  let written = 0;
  let dropped = 0;
  let redacted = 0;
  let writing: Promise<void> = Promise.resolve();

  const writeOnce = async (): Promise<void> => {
    while (buffer.length > 0) {
      const take = buffer.slice(0, batchSize);
      buffer = buffer.slice(take.length);
      const batch = writer.batch();
      // Redaction and serialisation run in slices, yielding to the event loop between them, so a
      // batch never holds up a request for more than one slice (~32 records, a fraction of a ms).
      for (let i = 0; i < take.length; i++) {
        if (i > 0 && i % SLICE === 0) await new Promise<void>((r) => setImmediate(r));
        const r = take[i] as NormalisedRecord;
        redacted += scrub(r).count;
        writer.add(batch, toRecord(r));
      }
      try {
        const counts = await writer.write(batch, 0);
        written += counts.inserted;
        opts.onWritten?.(counts.inserted);
      } catch {
        // The store is down: these records are lost, counted, and serving goes on.
        dropped += take.length;
        opts.onDropped?.(take.length);
      }
    }
  };
  // One write queued at a time: records logged while it runs join its loop.
  let queued = false;
  const flush = () => {
    if (!queued) {
      queued = true;
      writing = writing.then(() => {
        queued = false;
        return writeOnce();
      });
    }
    return writing;
  };
  const timer = setInterval(() => {
    if (buffer.length > 0) void flush();
  }, opts.flushEveryMs ?? 200);
  timer.unref();

  return {
    log: (record) => {
      if (buffer.length >= maxBuffer) {
        dropped++;
        opts.onDropped?.(1);
        return false;
      }
      buffer.push(record);
      if (buffer.length >= batchSize) void flush();
      return true;
    },
    flush,
    close: async () => {
      clearInterval(timer);
      await flush();
      await finishImport(opts.store.db, importId, { imported: written, duplicates: 0, quarantined: 0, redacted, notReplayable: 0 }).catch(
        () => {},
      );
    },
    stats: () => ({ written, dropped, buffered: buffer.length }),
  };
}

/**
 * A served request's id, shaped as import ids are (`t_` and 32 hex digits): random (a v4 UUID's
 * digits), so it says nothing about the request. Hashing it as well cost 3 µs a request for nothing.
 */
export function servedRecordId(): string {
  return `t_${randomUUID().replace(/-/g, '')}`;
}

function toRecord(r: NormalisedRecord): TrafficRecord {
  return {
    id: r.sourceId ?? servedRecordId(),
    timestamp: r.timestamp,
    request: r.request,
    metadata: r.metadata,
    response: r.response,
    replayable: r.replayable,
    format: 'openai-chat',
  };
}
