import { Writable } from 'node:stream';
import type { CliContext } from '../../../src/cli/context.js';
import type { Store } from '../../../src/store/db.js';

/** A CLI context over an already-open test store, capturing stdout and stderr. */
export function testContext(store: Store, env: NodeJS.ProcessEnv = {}): CliContext & { out(): string; err(): string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        append(String(chunk));
        done();
      },
    });
  return {
    env,
    clock: { now: () => Date.parse('2026-11-21T09:00:00Z') },
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    store: async () => store,
    actor: (explicit) => explicit ?? env.ROUTELAB_USER ?? 'os-user',
    // The test owns the store; main() closing the context must not close it.
    close: async () => {},
    out: () => out,
    err: () => err,
  };
}
