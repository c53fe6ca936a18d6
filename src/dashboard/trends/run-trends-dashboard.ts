import type { Db } from '../../store/db.js';
import { loadTrends, loadTrendsDiff } from '../data/load-trends.js';
import { colorEnabled } from '../run-dashboard.js';
import { lineText } from '../view/styled-line.js';
import { buildTrendsView } from '../view/trends-view.js';
import type { TrendsSource } from './trends-app.js';

export function createTrendsSource(db: Db, policy?: string): TrendsSource {
  return {
    load: () => loadTrends(db, policy ? { policy } : {}),
    diff: (d) => loadTrendsDiff(db, d.runA, d.runB, d.model),
  };
}

/** `routelab dashboard --trends`: the Ink screen on a TTY, the same view as plain lines otherwise. */
export async function runTrendsDashboard(options: {
  db: Db;
  policy?: string;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  env: NodeJS.ProcessEnv;
}): Promise<void> {
  const source = createTrendsSource(options.db, options.policy);
  const out = options.stdout;
  const width = Math.max(60, Math.min(out.columns ?? 80, 160));
  if (!out.isTTY) {
    const view = buildTrendsView(await source.load(), width);
    out.write(`${[...view.title, ...view.rows].map(lineText).join('\n')}\n`);
    return;
  }
  const [{ render }, { createElement }, { TrendsApp }] = await Promise.all([import('ink'), import('react'), import('./trends-app.js')]);
  out.write('\x1b[?1049h');
  try {
    const app = render(
      createElement(TrendsApp, { source, size: { columns: out.columns ?? 80, rows: out.rows ?? 24 }, color: colorEnabled(options.env) }),
      {
        stdout: out as NodeJS.WriteStream,
        exitOnCtrlC: true,
        patchConsole: false,
      },
    );
    await app.waitUntilExit();
  } finally {
    out.write('\x1b[?1049l');
  }
}
