import type { Clock } from '../domain/rng.js';
import type { Store } from '../store/db.js';

/**
 * What a workflow run from the CLI or the demo gets (the CLI's context): lazily opened store, clock,
 * output streams and the environment. The CLI is the composition root (src/cli/context.ts creates
 * it); nothing below it reads process.env on its own.
 */
export interface AppContext {
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
