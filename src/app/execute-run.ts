import { InputError } from '../domain/errors.js';
import { createRun } from '../jobs/create-run.js';
import { planRun } from '../jobs/plan-run.js';
import { processRunLocally } from '../jobs/run-locally.js';
import type { RunRequest } from '../jobs/run-request.js';
import { runReport, type RunReport } from '../jobs/run-summary.js';
import { waitForRun } from '../jobs/wait-for-run.js';
import { enqueueRun } from '../queue/bullmq-runner.js';
import type { QueueConfig } from '../queue/connection.js';
import type { AppContext } from './context.js';
import { finishNightly, type NightlyOutcome } from './nightly-steps.js';

export interface ExecuteRunOptions {
  request: RunRequest;
  /** BullMQ workers process the chunks; null: this process does. */
  queue?: QueueConfig | null;
  /** With a queue: return once the chunks are enqueued. */
  detach?: boolean;
  /** Nightly report directory (default reports/<run-id>). */
  reportDir?: string;
  /** The run is on the queue and this process now waits for workers. */
  onQueued?: (q: { runId: string; pairs: number; chunks: number; queueName: string }) => void;
  onProgress?: (chunksDone: number, chunks: number, pairsStored?: number, pairs?: number) => void;
  /** Every chunk is processed (before the nightly steps, if any). */
  onProcessed?: () => void;
}

export type ExecutedRun =
  { detached: true; runId: string; pairs: number } | { detached: false; runId: string; report: RunReport; nightly: NightlyOutcome | null };

/**
 * `routelab run`: create and plan the run, process its chunks (here, or on workers while this
 * process waits), then the nightly steps when the request asks for them, and the run's report.
 */
export async function executeRun(ctx: AppContext, o: ExecuteRunOptions): Promise<ExecutedRun> {
  const store = await ctx.store();
  const { run_id } = await createRun(store.db, o.request, { clock: ctx.clock });
  const plan = await planRun(store.db, run_id);
  if (o.queue) {
    await enqueueRun(o.queue, run_id, plan.chunks);
    if (o.detach) return { detached: true, runId: run_id, pairs: plan.pairs };
    o.onQueued?.({ runId: run_id, pairs: plan.pairs, chunks: plan.chunks.length, queueName: o.queue.queueName });
    await waitForRun(store.db, run_id, {
      onProgress: (p) => o.onProgress?.(p.chunksFinished, p.chunks, p.pairsStored, p.pairs),
      ...stallOption(ctx.env),
    });
  } else {
    o.onProgress?.(0, plan.chunks.length, 0, plan.pairs);
    await processRunLocally(store.db, run_id, plan.chunks, {
      env: ctx.env,
      clock: ctx.clock,
      onChunk: (done, total) => o.onProgress?.(done, total),
    });
  }
  o.onProcessed?.();
  const nightly = o.request.nightly
    ? await finishNightly(store.db, run_id, { clock: ctx.clock, env: ctx.env, ...(o.reportDir ? { reportDir: o.reportDir } : {}) })
    : null;
  const report = await runReport(store.db, run_id);
  if (!report) throw new Error(`run ${run_id} vanished`);
  return { detached: false, runId: run_id, report, nightly };
}

/** ROUTELAB_STALL_SECONDS: how long the workers may store nothing before the run is failed. */
function stallOption(env: NodeJS.ProcessEnv): { stallMs?: number } {
  const raw = env.ROUTELAB_STALL_SECONDS;
  if (raw === undefined || raw === '') return {};
  const secs = Number(raw);
  if (!(Number.isFinite(secs) && secs > 0))
    throw new InputError(`ROUTELAB_STALL_SECONDS: ${JSON.stringify(raw)} is not a positive number of seconds`);
  return { stallMs: secs * 1000 };
}
