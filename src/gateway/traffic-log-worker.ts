/**
 * Worker thread of the gateway's traffic log (traffic-log.ts): turns packed exchanges into traffic
 * records (served-record.ts), redacts every string with the import's redactor (src/traffic/scrub),
 * serialises them into rows, and writes the rows to Postgres over a connection of its own, in
 * batches; with the embedded store (one process, one thread) it sends the rows back instead.
 * Thin: it decides nothing about what is logged, only how a record becomes a row.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createRedactor } from '../redact/redact-text.js';
import { openStore, type Store } from '../store/db.js';
import { jsonTrafficWriter } from '../store/repos/traffic-repo.js';
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
const store: Store | null = data.url ? await openStore({ url: data.url, max: 1, migrate: false }) : null;
const writer = jsonTrafficWriter(store?.db as Store['db'], data.importId);
const batches: RowBatches | null = store
  ? createRowBatches({
      write: async (rows) => (await writer.write(rows, 0)).inserted,
      batchSize: data.batchSize,
      flushEveryMs: data.flushEveryMs,
      onWritten: (written, settled) => send({ kind: 'progress', settled, written, dropped: 0, redacted: 0 }),
      onFailed: (n) => send({ kind: 'progress', settled: n, written: 0, dropped: n, redacted: 0 }),
    })
  : null;

/** Rows of the packed exchanges; a record that cannot be built or redacted is dropped and counted. */
function rowsOf(packed: unknown[]): { rows: string[]; dropped: number; redacted: number } {
  const rows: string[] = [];
  let dropped = 0;
  let redacted = 0;
  for (const e of unpackExchanges(packed)) {
    try {
      const r = servedRecord(e);
      redacted += scrub(r).count;
      writer.add(rows, {
        id: e.id,
        timestamp: r.timestamp,
        request: r.request,
        metadata: r.metadata,
        response: r.response,
        replayable: r.replayable,
        format: 'openai-chat',
      });
    } catch {
      dropped++;
    }
  }
  return { rows, dropped, redacted };
}

port.on('message', (m: ToWorker) => {
  switch (m.kind) {
    case 'exchanges': {
      const out = rowsOf(m.packed);
      if (!batches) return send({ kind: 'rows', ...out });
      if (out.dropped > 0 || out.redacted > 0)
        send({ kind: 'progress', settled: out.dropped, written: 0, dropped: out.dropped, redacted: out.redacted });
      return batches.add(out.rows);
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
