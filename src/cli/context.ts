import { userInfo } from 'node:os';
import type { Store } from '../store/db.js';
import type { AppContext } from '../app/context.js';
import type { StoreLockOptions } from '../store/store-lock.js';
import { sanitizeInline } from '../domain/sanitize.js';

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
    store: () =>
      (opened ??= import('../store/db.js').then(({ openStore, storeOptionsFromEnv }) =>
        openStore({ ...storeOptionsFromEnv(env), lock: storeLockOptions(env, overrides.stderr ?? process.stderr) }),
      )),
    actor: (explicit) => explicit ?? env.ROUTELAB_USER ?? safeUser(),
    close: async () => {
      if (opened) await (await opened).close();
    },
  };
}

/**
 * The embedded store admits one process: another routelab holding it is waited for (saying who it
 * is) for ROUTELAB_STORE_WAIT_SECONDS (default 30), then the command stops with the holder named.
 */
function storeLockOptions(env: NodeJS.ProcessEnv, stderr: NodeJS.WritableStream): StoreLockOptions {
  const secs = Number(env.ROUTELAB_STORE_WAIT_SECONDS ?? 30);
  // The command words only (never option values: they may hold patterns or paths worth keeping private).
  const words = process.argv
    .slice(2)
    .filter((a) => /^[a-z][a-z-]*$/.test(a))
    .slice(0, 3);
  return {
    waitMs: Number.isFinite(secs) && secs >= 0 ? secs * 1000 : 30_000,
    command: ['routelab', ...words].join(' '),
    onWait: (h) =>
      stderr.write(
        `waiting for the embedded store: in use by pid ${h.pid} (\`${sanitizeInline(h.command)}\`) since ${sanitizeInline(h.since)}\n`,
      ),
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
