/**
 * Worker thread of the gateway's traffic log (traffic-log.ts): turns packed exchanges into traffic
 * records (served-record.ts), redacts every string with the import's redactor (src/traffic/scrub),
 * and writes them to Postgres by binary COPY over a connection of its own, in batches; with the
 * embedded store (one process, one thread) it sends them back as JSON rows instead.
 * Thin: it decides nothing about what is logged, only how a record becomes a row.
 */
import { setPriority } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { createRedactor } from '../redact/redact-text.js';
import { openStore, type Store } from '../store/db.js';
import { jsonTrafficWriter } from '../store/repos/traffic-repo.js';
import type { TrafficRecord } from '../domain/traffic-record.js';
import { copyTrafficWriter } from '../traffic/fast-path/copy-writer.js';
import { createScrubber } from '../traffic/scrub.js';
import { createRowBatches, type RowBatches } from './row-batches.js';
import { servedRecord, unpackExchanges } from './served-record.js';
import type { FromWorker, ToWorker, TrafficLogWorkerData } from './traffic-log-protocol.js';

// Below the request path in the scheduler (on Linux a nice value is per thread): on a machine with
// few cores its batches wait for the main thread instead of taking a core from it mid-request.
try {
  setPriority(0, 5);
} catch {
  // not allowed here: the default priority
}
const data = workerData as TrafficLogWorkerData;
const port = parentPort;
if (!port) throw new Error('traffic-log-worker.ts runs only as a worker thread');
const send = (m: FromWorker) => port.postMessage(m);
const scrub = createScrubber(createRedactor(data.redactPatterns));
// Postgres: binary COPY (the import's writer: COPY straight into `traffic`, a staged INSERT … ON
// CONFLICT DO NOTHING when a batch meets a stored id), on a socket with Nagle off, which COPY's
// several small writes need (store/no-delay-socket.ts), one batch at a time. The embedded store:
// JSON rows, sent back.
const store: Store | null = data.url ? await openStore({ url: data.url, max: 1, migrate: false, noDelay: true }) : null;
const copy = store ? copyTrafficWriter(store.db, data.importId) : null;
const json = jsonTrafficWriter(null as unknown as Store['db'], data.importId); // serialises only: its write is never called
const batches: RowBatches<TrafficRecord> | null = copy
  ? createRowBatches({
      sink: copy,
      write: async (rows) => {
        try {
          return (await copy.write(rows, 0)).inserted;
        } catch (e) {
          // postgres.js (3.4.9) loses a statement sent between its socket's error and close (it
          // neither fails nor retries it: the log would wait for ever); a turn of the event loop lets
          // the close through, so the next batch reconnects.
          await setTimeout(0);
          throw e;
        }
      },
      batchSize: data.batchSize,
      flushEveryMs: data.flushEveryMs,
      onWritten: (written, settled) => send({ kind: 'progress', settled, written, dropped: 0, redacted: 0 }),
      onFailed: (n) => send({ kind: 'progress', settled: n, written: 0, dropped: n, redacted: 0 }),
    })
  : null;

/**
 * Records of the packed exchanges, redacted, into the COPY batches (Postgres) or into JSON rows
 * (returned); a record that cannot be built, redacted or encoded is dropped and counted.
 */
function recordsOf(packed: unknown[]): { rows: string[]; dropped: number; redacted: number } {
  const rows: string[] = [];
  let dropped = 0;
  let redacted = 0;
  for (const e of unpackExchanges(packed)) {
    try {
      const r = servedRecord(e);
      redacted += scrub(r).count;
      const record: TrafficRecord = {
        id: e.id,
        timestamp: r.timestamp,
        request: r.request,
        metadata: r.metadata,
        response: r.response,
        replayable: r.replayable,
        format: 'openai-chat',
      };
      if (batches) batches.add(record);
      else json.add(rows, record);
    } catch {
      dropped++;
    }
  }
  return { rows, dropped, redacted };
}

port.on('message', (m: ToWorker) => {
  switch (m.kind) {
    case 'exchanges': {
      const out = recordsOf(m.packed);
      if (!batches) return send({ kind: 'rows', ...out });
      if (out.dropped > 0 || out.redacted > 0)
        send({ kind: 'progress', settled: out.dropped, written: 0, dropped: out.dropped, redacted: out.redacted });
      return;
    }
    case 'flush':
      return void (batches?.flush() ?? Promise.resolve()).then(() => send({ kind: 'flushed', seq: m.seq }));
    case 'close':
      return void (async () => {
        await batches?.close();
        await store?.close();
        send({ kind: 'closed' });
      })();
  }
});
