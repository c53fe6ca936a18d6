import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';

/**
 * One process at a time on an embedded (PGlite) store: PGlite is Postgres in one process, and two
 * processes on one data directory corrupt it (a table and its primary-key index were seen to
 * disagree). The holder writes `<dataDir>.lock` with O_EXCL: its pid, host, command and since when.
 * Another process waits for it (saying who holds it) up to a limit, then stops with a clear error; a
 * lock whose process is gone (same host, pid not alive) is stale and taken over.
 */
export const StoreLockHolder = z.object({
  pid: z.number().int(),
  host: z.string(),
  command: z.string(),
  since: z.string(),
});
export type StoreLockHolder = z.infer<typeof StoreLockHolder>;

export interface StoreLockOptions {
  /** How long to wait for another holder (default 0: fail at once). */
  waitMs?: number;
  /** What this process is doing (shown to the others). */
  command?: string;
  /** Called once when the lock is held by another live process and this one starts waiting. */
  onWait?: (holder: StoreLockHolder, path: string) => void;
  /** Injectable for tests: is this pid alive on this host? */
  alive?: (pid: number) => boolean;
  /** Poll interval while waiting (default 100 ms). */
  pollMs?: number;
}

export class StoreBusyError extends Error {
  constructor(
    readonly holder: StoreLockHolder | null,
    readonly path: string,
  ) {
    super(
      holder
        ? `the embedded store is in use by another routelab process (pid ${holder.pid} on ${holder.host}, \`${holder.command}\`, since ${holder.since}); PGlite allows one process at a time. Wait for it to finish, or set DATABASE_URL to share a Postgres store (lock: ${path})`
        : `the embedded store is locked by another routelab process (${path})`,
    );
  }
}

export interface StoreLock {
  path: string;
  release(): void;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): StoreLockHolder | null {
  try {
    const parsed = StoreLockHolder.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Take the lock of the store at `dataDir`, waiting for another holder up to `waitMs`. */
export async function lockStore(dataDir: string, options: StoreLockOptions = {}): Promise<StoreLock> {
  const path = `${dataDir.replace(/\/+$/, '')}.lock`;
  const alive = options.alive ?? pidAlive;
  const me: StoreLockHolder = {
    pid: process.pid,
    host: hostname(),
    command: options.command ?? 'routelab',
    since: new Date().toISOString(),
  };
  const deadline = Date.now() + (options.waitMs ?? 0);
  let told = false;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener('exit', release);
        // Only our own lock: never one a later holder wrote after a takeover.
        if (readHolder(path)?.pid === me.pid) {
          try {
            unlinkSync(path);
          } catch {
            // already gone
          }
        }
      };
      process.on('exit', release);
      return { path, release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readHolder(path);
    // A holder on this host whose process is gone left a stale lock; an unreadable file is one being
    // written right now, or garbage: garbage is taken over after the wait like a live holder's.
    if (holder && holder.host === me.host && !alive(holder.pid)) {
      const again = readHolder(path);
      if (again && again.pid === holder.pid && again.since === holder.since) {
        try {
          unlinkSync(path);
        } catch {
          // another process took it over first
        }
      }
      continue;
    }
    if (Date.now() >= deadline) throw new StoreBusyError(holder, path);
    if (!told && holder) {
      told = true;
      options.onWait?.(holder, path);
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
  }
}
