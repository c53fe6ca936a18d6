import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DEFAULT_WEBHOOK_ENV, NightlyOptions, type NightlyStep } from '../domain/nightly.js';
import type { Clock } from '../domain/rng.js';
import { regressionSection, trendSvg } from '../report/regression-section.js';
import { defaultReportDir } from '../report/write-report.js';
import type { Db } from '../store/db.js';
import { listSteps, readTrends, recordStep, type RunStep, type StepStatus } from '../store/repos/nightly-repo.js';
import { getRun } from '../store/repos/run-repo.js';
import type { RegressionReport } from '../stats/regression.js';
import { detectRunRegressions } from './detect-regressions.js';
import { postWebhook } from './notify-webhook.js';
import { proposeForRun } from './propose-run.js';
import { shadowComparisons, shadowSection, shadowSummary } from './shadow-comparison.js';
import { writeRunReport } from './write-run-report.js';

const ORDER: Record<NightlyStep, number> = { sample: 0, run: 1, detect: 2, propose: 3, report: 4, notify: 5 };

export interface NightlyDeps {
  clock: Clock;
  env: Record<string, string | undefined>;
  /** Where the report goes (default reports/<run>). */
  reportDir?: string;
}

export interface NightlyOutcome {
  run_id: string;
  steps: RunStep[];
  regressions: RegressionReport | null;
  /** True when --alert-on regression was asked and a regression was flagged: the nightly exits 1. */
  alerted: boolean;
}

/** Record one step's outcome. */
export async function recordNightlyStep(
  db: Db,
  runId: string,
  step: NightlyStep,
  status: StepStatus,
  detail: string | null,
  clock: Clock,
): Promise<void> {
  await recordStep(db, runId, { name: step, ord: ORDER[step], status, detail: detail?.slice(0, 500) ?? null, at: new Date(clock.now()) });
}

/**
 * Everything a nightly does once its run has aggregated: record how the run went, check it for
 * regressions against the previous nights, propose, write the report (regressions first, with a
 * trend chart) and notify. Each step is recorded on the run whatever happens; a failed step does
 * not stop the ones that do not need it. Safe to run again (a retried job): steps are upserted.
 */
export async function finishNightly(db: Db, runId: string, deps: NightlyDeps): Promise<NightlyOutcome> {
  const run = await getRun(db, runId);
  if (!run) throw new Error(`run ${runId} does not exist`);
  const options = NightlyOptions.parse(run.nightly ?? {});
  const step = (name: NightlyStep, status: StepStatus, detail: string | null) =>
    recordNightlyStep(db, runId, name, status, detail, deps.clock);
  const finished = run.status === 'completed' || run.status === 'capped';
  await step(
    'run',
    finished ? 'ok' : 'failed',
    finished ? `${run.status}: ${run.pairs} pairs, ${run.modelCalls} calls, ${run.cacheHits} cache hits` : (run.error ?? run.status),
  );

  let regressions: RegressionReport | null = null;
  if (!finished) await step('detect', 'skipped', 'the run did not finish');
  else {
    try {
      regressions = await detectRunRegressions(db, runId, {
        ...(options.baseline_nights ? { baselineNights: options.baseline_nights } : {}),
        ...(options.segment_by ? { segmentBy: options.segment_by } : {}),
      });
      const r = regressions;
      await step(
        'detect',
        'ok',
        r.baseline_runs.length === 0
          ? 'no earlier run to compare with'
          : r.flagged.length === 0
            ? `no regression in ${r.tests.length} checks against ${r.baseline_runs.length} run(s)`
            : `${r.flagged.length} regression(s): ${r.flagged.map((f) => `${f.model} ${f.segment} ${f.metric}`).join('; ')}`,
      );
    } catch (e) {
      await step('detect', 'failed', message(e));
    }
  }

  if (run.status !== 'completed') await step('propose', 'skipped', `the run is ${run.status}`);
  else {
    try {
      const { proposal } = await proposeForRun(db, runId, options.segment_by ? { segment_by: options.segment_by } : {});
      await step('propose', 'ok', `${proposal.proposal_id}: ${proposal.status}`);
    } catch (e) {
      await step('propose', 'failed', message(e));
    }
  }

  const dir = deps.reportDir ?? defaultReportDir(runId);
  if (!finished) await step('report', 'skipped', 'the run did not finish');
  else {
    try {
      const file = await writeRunReport(db, runId, { dir, ...(options.segment_by ? { segmentBy: options.segment_by } : {}) });
      // Shadow variants served beside this policy since the last nightly (serve --shadow), after the regressions.
      const shadow = await shadowComparisons(db, run.policyName, run.createdAt);
      await leadWithRegressions(db, file, dir, run.policyName, regressions, shadowSection(run.policyName, shadow));
      await step('report', 'ok', shadow.length ? `${file}; ${shadowSummary(shadow)}` : file);
    } catch (e) {
      await step('report', 'failed', message(e));
    }
  }

  const flagged = regressions?.flagged ?? [];
  let alerted = false;
  if (options.alert_on !== 'regression') await step('notify', 'skipped', 'no --alert-on');
  else if (flagged.length === 0) await step('notify', 'ok', 'no regression: nothing sent');
  else {
    alerted = true;
    const envName = options.webhook_env ?? DEFAULT_WEBHOOK_ENV;
    const url = deps.env[envName];
    if (!url) await step('notify', 'failed', `${envName} is not set: the alert could not be sent`);
    else {
      const steps = await listSteps(db, runId);
      const sent = await postWebhook(url, alertBody(runId, run.policyName, regressions, steps));
      await step(
        'notify',
        sent.ok ? 'ok' : 'failed',
        sent.ok ? `alert sent to $${envName} (HTTP ${sent.status})` : `alert to $${envName} failed: ${sent.reason}`,
      );
    }
  }
  return { run_id: runId, steps: await listSteps(db, runId), regressions, alerted };
}

/** The JSON the webhook receives: ids, names and figures only (no outputs, no secrets). */
function alertBody(runId: string, policy: string, r: RegressionReport | null, steps: RunStep[]) {
  return {
    kind: 'routelab.regression',
    run_id: runId,
    policy,
    baseline_runs: r?.baseline_runs ?? [],
    regressions: (r?.flagged ?? []).map((f) => ({
      model: f.model,
      segment: f.segment,
      metric: f.metric,
      baseline: f.baseline,
      current: f.current,
      diff: f.diff,
      ci: f.ci,
      p_holm: f.p_holm,
    })),
    steps: steps.map((s) => ({ step: s.step, status: s.status })),
  };
}

/** Put the regression section (and a trend chart of the last 30 runs) at the top of report.md. */
async function leadWithRegressions(
  db: Db,
  file: string,
  dir: string,
  policy: string,
  r: RegressionReport | null,
  after: string[] = [],
): Promise<void> {
  const points = ((await readTrends(db, { policy })) ?? []).filter((p) => p.kind === 'model');
  const runs = [...new Set(points.map((p) => p.run_id))].slice(-30);
  const recent = points.filter((p) => runs.includes(p.run_id));
  let trendFile: string | null = null;
  if (recent.length > 0) {
    writeFileSync(join(dir, 'trend.svg'), trendSvg(`Quality per model — last ${runs.length} run(s) of ${policy}`, recent));
    trendFile = 'trend.svg';
  }
  const section = [
    ...regressionSection({
      flagged: r?.flagged ?? [],
      baselineRuns: r?.baseline_runs ?? [],
      tested: r?.tests.length ?? 0,
      trendFile,
    }),
    ...after,
  ];
  const text = await readFile(file, 'utf8');
  const at = text.indexOf('\n## ');
  const merged = at < 0 ? `${text}\n${section.join('\n')}` : `${text.slice(0, at + 1)}${section.join('\n')}\n${text.slice(at + 1)}`;
  writeFileSync(file, merged);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
