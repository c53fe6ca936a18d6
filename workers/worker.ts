/**
 * `routelab worker`: a BullMQ worker running the run processors. Thin on purpose: open the store and
 * the provider client, hand the processors to the queue, close everything on SIGTERM/SIGINT (the
 * job in hand finishes; a job cut short by SIGKILL is redelivered and its writes are idempotent).
 */
import { pathToFileURL } from 'node:url';
import { runUntilSignalled, startRoutelabWorker } from '../src/app/worker.js';
import { sanitize } from '../src/domain/sanitize.js';
import { redactString } from '../src/redact/redact-text.js';
import { InputError } from '../src/domain/errors.js';

const terminalText = (text: string): string => sanitize(redactString(text));

async function main(): Promise<void> {
  const i = process.argv.indexOf('--concurrency');
  const concurrency = i >= 0 ? Number(process.argv[i + 1]) : undefined;
  // Log lines may quote an endpoint's error or a job's failure: redacted and sanitised like the CLI's.
  const log = (line: string) => process.stderr.write(`${terminalText(line)}\n`);
  const worker = await startRoutelabWorker({ env: process.env, ...(concurrency ? { concurrency } : {}), log });
  await runUntilSignalled(worker, log);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`error: ${terminalText(e instanceof Error ? e.message : String(e))}\n`);
      process.exit(e instanceof InputError ? 2 : 1);
    },
  );
}
