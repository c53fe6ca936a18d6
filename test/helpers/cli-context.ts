import { Writable } from 'node:stream';
import type { CliContext } from '../../src/cli/context.js';
import type { Clock } from '../../src/domain/rng.js';
import type { Store } from '../../src/store/db.js';

export interface TestContextOptions {
  clock?: Clock;
  /** Who acts when no `--as` is given and ROUTELAB_USER is unset (stands in for the OS user). */
  osUser?: string;
}

/** A CLI context over an already-open test store for in-process `main()`, capturing stdout and stderr. */
export function testContext(
  store: Store,
  env: NodeJS.ProcessEnv = {},
  options: TestContextOptions = {},
): CliContext & { out(): string; err(): string } {
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
    clock: options.clock ?? { now: () => Date.now() },
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    store: async () => store,
    actor: (explicit) => explicit ?? env.ROUTELAB_USER ?? options.osUser ?? 'os-user',
    // The test owns the store; main() closing the context must not close it.
    close: async () => {},
    out: () => out,
    err: () => err,
  };
}
