import { NotFoundError } from '../domain/errors.js';
import type { Db } from '../store/db.js';
import { readTrends, type TrendPoint } from '../store/repos/nightly-repo.js';

export interface TrendsQuery {
  policy?: string;
  model?: string;
  since?: Date;
}

type Figures = Omit<TrendPoint, 'run_id' | 'run_at' | 'kind'>;

/** `trends --json`: each run by its run_id with its per-model and per-variant figures, oldest first. */
export interface TrendsResult {
  runs: Array<{ run_id: string; run_at: string; models: Figures[]; variants: Figures[] }>;
  /** The same figures as one series per model and per variant, for charts. */
  series: Array<{ kind: 'model' | 'variant'; name: string; points: Array<Figures & { run_id: string }> }>;
}

/**
 * Quality, cost per 1k, p95 latency and error rate per model and per variant across runs, with
 * CIs. Reads only the per-run aggregates written when each run completed (run_aggregates).
 */
export async function trends(db: Db, q: TrendsQuery): Promise<TrendsResult> {
  const points = await readTrends(db, {
    ...(q.policy !== undefined ? { policy: q.policy } : {}),
    ...(q.model !== undefined ? { name: q.model } : {}),
    ...(q.since ? { since: q.since } : {}),
  });
  if (!points) throw new NotFoundError('policy', q.policy ?? '', '--policy; see `routelab policy list`');
  const runs = new Map<string, TrendsResult['runs'][number]>();
  const series = new Map<string, TrendsResult['series'][number]>();
  for (const p of points) {
    const { run_id, run_at, kind, ...figures } = p;
    let run = runs.get(run_id);
    if (!run) {
      run = { run_id, run_at, models: [], variants: [] };
      runs.set(run_id, run);
    }
    (kind === 'model' ? run.models : run.variants).push(figures);
    const key = `${kind}\u0000${figures.name}`;
    let s = series.get(key);
    if (!s) {
      s = { kind, name: figures.name, points: [] };
      series.set(key, s);
    }
    s.points.push({ run_id, ...figures });
  }
  const ordered = [...series.values()].sort((a, b) => (a.kind === b.kind ? (a.name < b.name ? -1 : 1) : a.kind === 'variant' ? -1 : 1));
  return { runs: [...runs.values()], series: ordered };
}
