import { InputError, NotFoundError } from '../domain/errors.js';
import { createRng } from '../domain/rng.js';
import type { Db } from '../store/db.js';
import { loadRunData, type RunData } from '../store/repos/run-result-repo.js';
import { compareRuns, type RunsComparison } from '../stats/compare-runs.js';
import { SEGMENT_FIELDS } from './write-run-report.js';

export interface CompareRunsResult extends RunsComparison {
  run_a: string;
  run_b: string;
}

/**
 * `routelab runs compare A B`: load both runs and compare B against A on the cases they share. The
 * segment field is the one given, else the first of the report's fields with two or more values.
 */
export async function compareStoredRuns(db: Db, runA: string, runB: string, opts: { segmentBy?: string } = {}): Promise<CompareRunsResult> {
  const [a, b] = await Promise.all([loadRunData(db, runA), loadRunData(db, runB)]);
  if (!a) throw new NotFoundError('run', runA, 'see `routelab runs list`');
  if (!b) throw new NotFoundError('run', runB, 'see `routelab runs list`');
  const ids = new Set(b.cases.map((c) => c.case_id));
  const shared = a.cases.filter((c) => ids.has(c.case_id));
  if (shared.length === 0)
    throw new InputError(`runs ${runA} and ${runB} share no case: a paired comparison needs the same cases (e.g. the same golden set)`);
  const distinct = (field: string) => new Set(shared.map((c) => c.metadata[field]).filter((v) => v !== undefined)).size;
  if (opts.segmentBy && distinct(opts.segmentBy) === 0) throw new InputError(`--segment-by: no shared case has metadata.${opts.segmentBy}`);
  const segmentBy = opts.segmentBy ?? SEGMENT_FIELDS.find((f) => distinct(f) >= 2);
  const result = compareRuns(side(a), side(b), { rng: createRng(`${runA}:${runB}:compare`), ...(segmentBy ? { segmentBy } : {}) });
  return { run_a: runA, run_b: runB, ...result };
}

function side(d: RunData) {
  return {
    cases: d.cases,
    outcomes: d.outcomes,
    variants: d.variants.map((v) => ({ name: v.name, results: d.results.get(v.idx) ?? [] })),
  };
}
