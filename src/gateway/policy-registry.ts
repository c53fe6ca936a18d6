import type { CatalogEntry } from '../domain/catalog-entry.js';
import type { Store } from '../store/db.js';
import { listActivePolicies, servingFingerprint, type ActivePolicy } from '../store/repos/active-policies-repo.js';
import { listModels } from '../store/repos/catalog-repo.js';

/**
 * What the gateway serves, held in memory and swapped whole: active policy versions and the
 * catalog. A promote or rollback is pushed (serving-notify.ts: `refresh()` on NOTIFY or a Redis
 * message); the poll of one cheap fingerprint query (default every 250 ms) stays as the fallback
 * and works the same on PGlite and Postgres, live on every instance within about 2 polls. A request keeps the snapshot it started with, so nothing in flight
 * is dropped or changes policy halfway.
 */
export interface Snapshot {
  policies: ReadonlyMap<string, ActivePolicy>;
  catalog: ReadonlyMap<string, CatalogEntry>;
  fingerprint: string;
}

export interface PolicyRegistry {
  current(): Snapshot;
  /** Reload now if anything changed; true when it did. */
  refresh(): Promise<boolean>;
  /** Called after each reload (the key cache is dropped there). */
  onReload(listener: () => void): void;
  /** Consecutive failed polls: /readyz turns unready when the store is unreachable. */
  failures(): number;
  close(): void;
}

export async function createPolicyRegistry(store: Store, intervalMs: number): Promise<PolicyRegistry> {
  let snapshot: Snapshot = { policies: new Map(), catalog: new Map(), fingerprint: '\u0000' };
  const listeners: Array<() => void> = [];
  let failed = 0;
  let running: Promise<boolean> | null = null;
  const load = async (): Promise<boolean> => {
    const fingerprint = await servingFingerprint(store.db);
    if (fingerprint === snapshot.fingerprint) return false;
    const [active, models] = await Promise.all([listActivePolicies(store.db), listModels(store.db)]);
    snapshot = { policies: new Map(active.map((p) => [p.name, p])), catalog: new Map(models.map((m) => [m.name, m])), fingerprint };
    for (const l of listeners) l();
    return true;
  };
  // A refresh asked for while one runs (a push arriving mid-poll) runs again after it: the
  // running one may have read the fingerprint before the change committed.
  let again = false;
  const refresh = (): Promise<boolean> => {
    if (running) {
      again = true;
      return running;
    }
    running = load().finally(() => {
      running = null;
      if (again) {
        again = false;
        void refresh().catch(() => {});
      }
    });
    return running;
  };
  await refresh();
  const timer = setInterval(() => {
    refresh().then(
      () => (failed = 0),
      () => (failed += 1),
    );
  }, intervalMs);
  timer.unref();
  return {
    current: () => snapshot,
    refresh,
    onReload: (l) => listeners.push(l),
    failures: () => failed,
    close: () => clearInterval(timer),
  };
}
