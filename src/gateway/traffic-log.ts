import { randomFillSync } from 'node:crypto';
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
 * is called once the client has its answer; it redacts and serialises the record into a bounded
 * buffer of rows (a full buffer drops the record and counts it, it never blocks), and a timer or a
 * full batch writes them.
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

export async function createTrafficLog(opts: TrafficLogOptions): Promise<TrafficLog> {
  const importId = await createImport(opts.store.db, [opts.source], 'gateway');
  const writer = jsonTrafficWriter(opts.store.db, importId);
  const scrub = createScrubber(createRedactor(opts.redactPatterns ?? []));
  const maxBuffer = opts.maxBuffer ?? 10_000;
  const batchSize = opts.batchSize ?? 500;
  // Rows already redacted and serialised (one JSON string each), waiting for a write.
  let buffer: string[] = [];
  let written = 0;
  let dropped = 0;
  let redacted = 0;
  let writing: Promise<void> = Promise.resolve();

  // `all`: write everything buffered (the timer, flush, close). Otherwise only full batches: a write
  // that ends while requests keep coming used to go straight on with the handful logged meanwhile,
  // so under load many statements carried a few records (one Postgres round trip, bind and insert
  // each) instead of a batch.
  const writeOnce = async (all: boolean): Promise<void> => {
    while (buffer.length >= (all ? 1 : batchSize)) {
      const take = buffer.length <= batchSize ? buffer : buffer.slice(0, batchSize);
      buffer = take === buffer ? [] : buffer.slice(take.length);
      try {
        const counts = await writer.write(take, 0);
        written += counts.inserted;
        opts.onWritten?.(counts.inserted);
      } catch {
        // The store is down: these records are lost, counted, and serving goes on.
        dropped += take.length;
        opts.onDropped?.(take.length);
      }
    }
  };
  // One write queued at a time: records logged while it runs join its loop (whole batches), or the next tick.
  let queued: boolean | null = null;
  const write = (all: boolean) => {
    if (queued === null) {
      queued = all;
      writing = writing.then(() => {
        const everything = queued === true;
        queued = null;
        return writeOnce(everything);
      });
    } else if (all) queued = true;
    return writing;
  };
  const flush = () => write(true);
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
      // Redacted and serialised now, once the client has its answer, rather than held as an object
      // graph until the timer: a record kept ~200 ms outlives the young generation, so every scavenge
      // copied it on its way to the old one; a row string is one object.
      try {
        redacted += scrub(record).count;
        writer.add(buffer, toRecord(record));
      } catch {
        dropped++;
        opts.onDropped?.(1);
        return false;
      }
      if (buffer.length >= batchSize) void write(false);
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

const ID_POOL = Buffer.alloc(16 * 256);
let idOffset = ID_POOL.length;

/**
 * A served request's id, shaped as import ids are (`t_` and 32 hex digits): 128 random bits, so it
 * says nothing about the request. Hashing it as well cost 3 µs a request for nothing.
 */
export function servedRecordId(): string {
  // 16 random bytes from a pool refilled 256 ids at a time, as randomUUID does, without its dashes to strip.
  if (idOffset === ID_POOL.length) {
    randomFillSync(ID_POOL);
    idOffset = 0;
  }
  idOffset += 16;
  return `t_${ID_POOL.toString('hex', idOffset - 16, idOffset)}`;
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
