import { userInfo } from 'node:os';
import type { Store } from '../store/db.js';
import type { Clock } from '../domain/rng.js';

/**
 * What every command gets: lazily opened store, clock, output streams and the environment. The CLI
 * is the composition root; nothing below it reads process.env on its own.
 */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Opens (and migrates) the store on first use. */
  store(): Promise<Store>;
  /** Who is acting: `--as`, else ROUTELAB_USER, else the OS user. */
  actor(explicit?: string): string;
  close(): Promise<void>;
}

export function createContext(overrides: Partial<Pick<CliContext, 'env' | 'stdout' | 'stderr' | 'clock'>> = {}): CliContext {
  const env = overrides.env ?? process.env;
  let opened: Promise<Store> | undefined;
  return {
    env,
    clock: overrides.clock ?? { now: () => Date.now() },
    stdout: overrides.stdout ?? process.stdout,
    stderr: overrides.stderr ?? process.stderr,
    // Imported on first use: `--help` and commands without a store never load drizzle or PGlite.
    store: () => (opened ??= import('../store/db.js').then(({ openStore, storeOptionsFromEnv }) => openStore(storeOptionsFromEnv(env)))),
    actor: (explicit) => explicit ?? env.ROUTELAB_USER ?? safeUser(),
    close: async () => {
      if (opened) await (await opened).close();
    },
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
