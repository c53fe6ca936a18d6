import { userInfo } from 'node:os';
import type { Store } from '../store/db.js';
import type { AppContext } from '../app/context.js';

/** What every command gets; defined in src/app because workflows (the demo) take it too. */
export type CliContext = AppContext;

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
