import { compareStoredRuns } from '../../app/compare-runs.js';
import { detectRunRegressions } from '../../app/detect-regressions.js';
import { trends } from '../../app/trends.js';
import type { Db } from '../../store/db.js';
import { baselineRunIds } from '../../store/repos/nightly-repo.js';
import type { ChangedCase } from '../../stats/compare-runs.js';
import type { RegressionTest } from '../../stats/regression.js';

/** One model's figures over the runs, oldest first. */
export interface TrendSeries {
  name: string;
  runIds: string[];
  quality: number[];
  costPer1k: number[];
  p95Ms: number[];
  errorRate: number[];
}

/** A flagged regression of the newest run, with the two runs to compare when drilling down. */
export interface FlaggedRegression extends Pick<
  RegressionTest,
  'model' | 'segment' | 'metric' | 'baseline' | 'current' | 'diff' | 'p_holm'
> {
  runId: string;
  previousRunId: string;
}

export interface TrendsData {
  series: TrendSeries[];
  flagged: FlaggedRegression[];
}

/**
 * The trends screen's data: per model, the figures of every run (from run_aggregates), and the
 * regressions of the newest run against its rolling baseline (the nightly's detector).
 */
export async function loadTrends(db: Db, opts: { policy?: string } = {}): Promise<TrendsData> {
  const t = await trends(db, opts.policy ? { policy: opts.policy } : {});
  const series: TrendSeries[] = t.series
    .filter((s) => s.kind === 'model')
    .map((s) => ({
      name: s.name,
      runIds: s.points.map((p) => p.run_id),
      quality: s.points.map((p) => p.quality),
      costPer1k: s.points.map((p) => p.cost_per_1k),
      p95Ms: s.points.map((p) => p.p95_ms),
      errorRate: s.points.map((p) => p.error_rate),
    }));
  const newest = t.runs[t.runs.length - 1]?.run_id;
  const flagged: FlaggedRegression[] = [];
  if (newest) {
    const previous = (await baselineRunIds(db, newest, 1))[0];
    if (previous) {
      const r = await detectRunRegressions(db, newest);
      for (const f of r.flagged)
        flagged.push({
          model: f.model,
          segment: f.segment,
          metric: f.metric,
          baseline: f.baseline,
          current: f.current,
          diff: f.diff,
          p_holm: f.p_holm,
          runId: newest,
          previousRunId: previous,
        });
    }
  }
  return { series, flagged };
}

/** The drill-down: the cases whose answers differ between two runs, most changed first. */
export async function loadTrendsDiff(db: Db, runA: string, runB: string, model: string | null): Promise<ChangedCase[]> {
  const r = await compareStoredRuns(db, runA, runB);
  return model ? r.changed.filter((c) => c.model === model) : r.changed;
}
