import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, NotFoundError } from '../domain/errors.js';
import { createRng } from '../domain/rng.js';
import { defaultReportDir, proposalBeforeAfter, renderReport, writeReport } from '../report/index.js';
import type { Db } from '../store/db.js';
import { listProposals } from '../store/repos/proposal-repo.js';
import { getRun } from '../store/repos/run-repo.js';
import { loadRunData } from '../store/repos/run-result-repo.js';
import { analyzeRun, NO_SEGMENT, segmentValue } from '../stats/run-analysis.js';

/** Metadata fields tried, in order, when `report` is not told what to break results down by. */
export const SEGMENT_FIELDS = ['intent', 'eval_name', 'project', 'task'];

/** Analyse a stored run and write its report; returns the report.md path. */
export async function writeRunReport(db: Db, runId: string, opts: { dir?: string; segmentBy?: string } = {}): Promise<string> {
  const data = await loadRunData(db, runId);
  const run = await getRun(db, runId);
  if (!data || !run) throw new NotFoundError('run', runId, 'see `routelab runs list`');
  const proposals = await listProposals(db, { runId });
  const distinct = (field: string) => new Set(data.cases.map((c) => segmentValue(c, field)).filter((v) => v !== NO_SEGMENT)).size;
  const segmentBy =
    opts.segmentBy ?? proposals.find((p) => p.options.segment_by)?.options.segment_by ?? SEGMENT_FIELDS.find((f) => distinct(f) >= 2);
  if (opts.segmentBy && distinct(opts.segmentBy) === 0) throw new InputError(`--segment-by: no case of run ${runId} has ${opts.segmentBy}`);
  const analysis = analyzeRun(
    {
      cases: data.cases,
      outcomes: data.outcomes,
      variants: data.variants.map((v) => ({
        name: v.name,
        version: v.version,
        isBaseline: v.isBaseline,
        results: data.results.get(v.idx) ?? [],
      })),
    },
    { rng: createRng(`${data.run.seed}:report`), ...(segmentBy ? { segmentBy } : {}) },
  );
  const base = data.variants.find((v) => v.isBaseline);
  const files = renderReport({
    run: {
      id: run.id,
      policyName: run.policyName,
      baseVersion: base?.version ?? null,
      status: run.status,
      source: `${run.sourceKind} ${run.sourceName}`,
      seed: run.seed,
      holdout: run.holdout,
      createdAt: run.createdAt ? new Date(run.createdAt).toISOString() : null,
      costUsd: run.costUsd,
      trainCases: data.cases.filter((c) => c.split === 'train').length,
      holdoutCases: data.cases.filter((c) => c.split === 'holdout').length,
    },
    analysis,
    proposals: proposals.map((p) => ({
      proposal: p,
      groups: base
        ? proposalBeforeAfter(p.policy, data.results.get(base.idx) ?? [], data.cases, data.outcomes, {
            segmentBy: p.options.segment_by ?? segmentBy ?? null,
            rate: data.run.rate,
            seed: data.run.seed,
          })
        : [],
    })),
  });
  const dir = opts.dir ?? defaultReportDir(runId);
  // `propose --frontier` writes its section beside the report; the report points to it.
  if (existsSync(join(dir, 'frontier.md')) && files['report.md'] !== undefined) {
    files['report.md'] +=
      '\n## Quality/cost frontier of proposals\n\nSee [frontier.md](frontier.md) (chart: frontier.svg), written by `routelab propose --frontier`.\n';
  }
  return writeReport(dir, files);
}
