import type { Db } from '../store/db.js';
import type { DashboardActions, DashboardSource } from './data/dashboard-source.js';
import { createStoreSource } from './data/store-source.js';
import { renderPlainDashboard } from './plain-report.js';

export interface RunDashboardOptions {
  db: Db;
  actions: DashboardActions;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  env: NodeJS.ProcessEnv;
  now: () => number;
}

/** https://no-color.org: present and not empty disables colour; a dumb terminal has none either. */
export function colorEnabled(env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

/**
 * `routelab dashboard`. Not a TTY: print the plain tables and return. A TTY: load Ink and React
 * (only now, so pipes and CI never pay for them) and run the app on the alternate screen, which is
 * restored on exit however the app ends.
 */
export async function runDashboard(options: RunDashboardOptions): Promise<void> {
  const source = createStoreSource(options.db);
  const out = options.stdout;
  const inCi = ciEnvironment(options.env);
  if (!out.isTTY || inCi) {
    // Ink draws nothing live when it detects CI: plain tables then, rather than a blank screen.
    if (out.isTTY && inCi) out.write(`(${inCi} is set: printing plain tables; unset it for the interactive dashboard)\n`);
    out.write(await renderPlainDashboard(source, Math.max(60, Math.min(out.columns ?? 80, 160))));
    return;
  }
  const [{ render }, { createElement }, { DashboardApp }] = await Promise.all([import('ink'), import('react'), import('./app.js')]);
  // Quitting while a poll or a promotion is in flight must not close the store under it.
  const pending = new Set<Promise<unknown>>();
  const track =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      const p = fn(...args);
      pending.add(p);
      void p.finally(() => pending.delete(p)).catch(() => {});
      return p;
    };
  const trackedSource: DashboardSource = {
    loadRuns: track(source.loadRuns),
    loadRun: track(source.loadRun),
    loadProposal: track(source.loadProposal),
    loadPromotions: track(source.loadPromotions),
  };
  const a = options.actions;
  const trackedActions: DashboardActions = {
    approve: track(a.approve),
    reject: track(a.reject),
    promote: track(a.promote),
    rollback: track(a.rollback),
  };
  const size = { columns: out.columns ?? 80, rows: out.rows ?? 24 };
  out.write('\x1b[?1049h');
  try {
    const app = render(
      createElement(DashboardApp, { source: trackedSource, actions: trackedActions, size, color: colorEnabled(options.env) }),
      {
        stdout: out as NodeJS.WriteStream,
        exitOnCtrlC: true,
        patchConsole: false,
      },
    );
    await app.waitUntilExit();
    await Promise.allSettled([...pending]);
  } finally {
    out.write('\x1b[?1049l');
  }
}

/** The variable that makes Ink (is-in-ci) treat this as CI, if any: the same rule Ink applies. */
export function ciEnvironment(env: NodeJS.ProcessEnv): string | null {
  for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) {
    if (key in env && env[key] !== '0' && env[key] !== 'false') return key;
  }
  return null;
}
