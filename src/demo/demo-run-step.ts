import type { AppContext as CliContext } from '../app/context.js';
import { createRun } from '../jobs/create-run.js';
import { planRun } from '../jobs/plan-run.js';
import { processRunLocally } from '../jobs/run-locally.js';
import { runReport, type RunReport } from '../jobs/run-summary.js';
import type { Store } from '../store/db.js';
import { DEMO_NAMES } from './demo-files.js';

export type DemoRunResult = RunReport;

export interface DemoRunOptions {
  sample: string;
  seed: string;
  onProgress?: (finished: number, total: number) => void;
}

/**
 * The nightly evaluation, in process: the same createRun → planRun → chunk processors → aggregate
 * sequence `routelab run` executes without REDIS_URL (processRunLocally). The chat client starts the
 * simulated fleet on a loopback port the first time a simulated catalog model is called.
 */
export async function runDemoEvaluation(ctx: CliContext, store: Store, opts: DemoRunOptions): Promise<DemoRunResult> {
  const created = await createRun(
    store.db,
    {
      policy: DEMO_NAMES.policy,
      variants: DEMO_NAMES.variants.map((name) => ({ kind: 'policy' as const, name })),
      source: { kind: 'sample', name: opts.sample },
      golden: DEMO_NAMES.golden,
      holdout: 0.3,
      seed: opts.seed,
      // A hard stop far above what the simulated demo spends (about a dollar): a runaway is a bug.
      cost_cap_usd: 25,
    },
    { clock: ctx.clock },
  );
  const plan = await planRun(store.db, created.run_id);
  await processRunLocally(store.db, created.run_id, plan.chunks, {
    env: ctx.env,
    clock: ctx.clock,
    chunkConcurrency: 4,
    callConcurrency: 16,
    ...(opts.onProgress ? { onChunk: opts.onProgress } : {}),
  });
  const report = await runReport(store.db, created.run_id);
  if (!report) throw new Error(`run ${created.run_id} vanished`);
  if (report.status !== 'completed')
    throw new Error(`run ${created.run_id} ended ${report.status}${report.error ? `: ${report.error}` : ''}`);
  return report;
}
