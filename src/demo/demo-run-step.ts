import type { CliContext } from '../cli/context.js';
import { InputError } from '../domain/errors.js';
import { createRun, createProcessors, planRun, runReport, type RunReport } from '../jobs/index.js';
import { createChatClient } from '../providers/index.js';
import { runInProcess } from '../queue/in-process-runner.js';
import type { JudgeFn } from '../scoring/index.js';
import type { Store } from '../store/db.js';
import { getModels } from '../store/repos/catalog-repo.js';
import { createJudgeCache } from '../store/repos/judge-cache-repo.js';
import { DEMO_NAMES } from './demo-files.js';

export type DemoRunResult = RunReport;

export interface DemoRunOptions {
  sample: string;
  seed: string;
  onProgress?: (finished: number, total: number) => void;
}

/**
 * The nightly evaluation, in process: the same createRun → planRun → chunk processors → aggregate
 * sequence `routelab run` executes without REDIS_URL. The chat client starts the simulated fleet on
 * a loopback port the first time a simulated catalog model is called, and stops it on close.
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
  const chat = createChatClient({ env: ctx.env, now: () => ctx.clock.now() });
  try {
    const judge: JudgeFn = async ({ model, messages }) => {
      const entry = (await getModels(store.db, [model])).get(model);
      if (!entry) throw new InputError(`judge model ${model} is not in the model catalog`);
      const r = await chat.complete(entry, { messages, params: { temperature: 0 } });
      return { status: r.status, output: r.output };
    };
    const processors = createProcessors(store.db, { chat, judge: { judge, cache: createJudgeCache(store.db) }, clock: ctx.clock, concurrency: 16 });
    await runInProcess(processors, created.run_id, plan.chunks, { concurrency: 4, ...(opts.onProgress ? { onChunk: opts.onProgress } : {}) });
  } finally {
    await chat.close();
  }
  const report = await runReport(store.db, created.run_id);
  if (!report) throw new Error(`run ${created.run_id} vanished`);
  if (report.status !== 'completed') throw new Error(`run ${created.run_id} ended ${report.status}${report.error ? `: ${report.error}` : ''}`);
  return report;
}
