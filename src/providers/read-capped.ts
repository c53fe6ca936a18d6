import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { InputError } from '../domain/errors.js';

/**
 * Every file routelab loads whole (policies, golden sets, catalogs, fleets) is read through here:
 * streamed with a byte cap, never sized first. A size check says nothing about `/dev/zero`, a FIFO
 * or a file still growing (their size reads 0); the cap holds for all of them. Past the cap: an
 * InputError naming the file; a read error (ENOENT, EISDIR) is passed on for the caller to word.
 */
export async function readCapped(file: string, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw tooBig(file, maxBytes, what);
      chunks.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, total);
}

export async function readCappedText(file: string, maxBytes: number, what: string): Promise<string> {
  return (await readCapped(file, maxBytes, what)).toString('utf8');
}

function tooBig(file: string, maxBytes: number, what: string): InputError {
  return new InputError(`${file}: more than ${maxBytes} bytes; ${what} are limited to ${maxBytes} bytes`);
}

/** `input` failing with an InputError naming `file` once more than `maxBytes` have passed. */
export function capStream(input: Readable, file: string, maxBytes: number, what: string): Readable {
  let total = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      total += chunk.length;
      if (total > maxBytes) done(tooBig(file, maxBytes, what));
      else done(null, chunk);
    },
  });
  input.on('error', (e) => cap.destroy(e));
  cap.on('close', () => input.destroy());
  return input.pipe(cap);
}

/** Caps for files loaded whole, in bytes. */
export const MAX_GOLDEN_BYTES = 64 * 1024 * 1024;
export const MAX_CATALOG_BYTES = 4 * 1024 * 1024;
export const MAX_FLEET_BYTES = 64 * 1024 * 1024;
export const MAX_OUTCOMES_BYTES = 4 * 1024 * 1024 * 1024;
export const MAX_REDACT_CONFIG_BYTES = 1024 * 1024;
