/**
 * Worker thread of an import (rows-pool.ts): turns the values of one chunk of a file into binary
 * COPY rows, exactly as the main thread does (valuesToRows), and sends the rows back as buffers it
 * gives away (no copy). It reads no file and touches no database.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { copyRowEncoder, type CopyRows } from './copy-rows.js';
import { READERS } from '../readers/by-format.js';
import { createRedactor } from '../../redact/redact-text.js';
import { createScrubber } from '../scrub.js';
import { valuesToRows, type RowMaker } from '../value-rows.js';
import { READY, unpackItems, type RowsJob, type RowsReply, type RowsWorkerData } from './rows-protocol.js';

const data = workerData as RowsWorkerData;
const reader = READERS[data.format];
const maker: RowMaker<CopyRows> = {
  format: data.format,
  scrub: createScrubber(createRedactor(data.redactPatterns)),
  sink: copyRowEncoder(data.importId),
};
const port = parentPort;
if (!port) throw new Error('rows-worker.ts runs only as a worker thread');

port.on('message', (job: RowsJob) => {
  let reply: RowsReply;
  try {
    const { batch, ...counts } = valuesToRows(unpackItems(job), reader, job.ctx, maker);
    reply = { seq: job.seq, ok: true, ...counts, chunks: [...batch.seal()] };
  } catch (e) {
    reply = { seq: job.seq, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  port.postMessage(reply, reply.ok ? reply.chunks.map((c) => c.buffer as ArrayBuffer) : []);
});

port.postMessage(READY);
