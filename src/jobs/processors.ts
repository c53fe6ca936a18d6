import type { Clock } from '../domain/rng.js';
import { AggregatePayload, ChunkPayload, NightlyPayload } from '../queue/payloads.js';
import type { Processors } from '../queue/processor-port.js';
import type { Db } from '../store/db.js';
import { isConnectionLoss } from '../store/connection-loss.js';
import { readableError } from '../store/error-reason.js';
import { getRun, setRunStatus } from '../store/repos/run-repo.js';
import { markChunk } from '../store/repos/run-chunk-repo.js';
import { recordMissingFailures } from '../store/repos/run-result-repo.js';
import { finishNightly } from '../app/nightly-steps.js';
import { defaultReportDir } from '../report/write-report.js';
import { aggregateRun } from './aggregate-run.js';
import { nightlyRun } from './nightly.js';
import { createModelLimiter } from './model-limiter.js';
import { createLocalRateLimiter } from './rate-limiter.js';
import { processChunk, type ChunkDeps } from './process-chunk.js';

/**
 * The processors both runners execute, bound to one store and one provider client. Each parses its
 * payload first: a malformed job fails loudly instead of writing garbage.
 */
export function createProcessors(
  db: Db,
  deps: Omit<ChunkDeps, 'goldenCache' | 'limiter'> & { clock: Clock; env?: Record<string, string | undefined>; reportRoot?: string },
): Processors {
  const chunkDeps: ChunkDeps = {
    ...deps,
    goldenCache: new Map(),
    limiter: createModelLimiter(),
    rate: deps.rate ?? createLocalRateLimiter(),
  };
  return {
    chunk: async (payload) => {
      const p = ChunkPayload.parse(payload);
      // A failed statement is reported (and stored, should the chunk fail for good) by its cause,
      // not as drizzle's "Failed query: <SQL>" cut at 500 characters.
      await processChunk(db, chunkDeps, p.run_id, p.chunk).catch((e: unknown) => {
        throw readableError(e);
      });
    },
    chunkFailed: async (payload, reason) => {
      const p = ChunkPayload.parse(payload);
      await markChunk(db, p.run_id, p.chunk, 'failed', reason.slice(0, 500));
    },
    aggregate: async (payload) => {
      const runId = AggregatePayload.parse(payload).run_id;
      await aggregateRun(db, runId).catch((e: unknown) => {
        throw readableError(e);
      });
      // A scheduled nightly finishes its loop here, on whichever worker aggregated it.
      const run = await getRun(db, runId);
      if (run?.scheduleSlot)
        await finishNightly(db, runId, {
          clock: deps.clock,
          env: deps.env ?? {},
          ...(deps.reportRoot ? { reportDir: defaultReportDir(runId, deps.reportRoot) } : {}),
        });
    },
    runFailed: async (payload, reason) => {
      const runId = AggregatePayload.parse(payload).run_id;
      // Every (variant, case) still gets exactly one row: what aggregation never wrote is a failure.
      await recordMissingFailures(db, runId, `aggregation failed: ${reason.slice(0, 300)}`);
      await setRunStatus(db, runId, 'failed', reason.slice(0, 500));
    },
    isTransient: isConnectionLoss,
    nightly: (payload, slot) => nightlyRun(db, NightlyPayload.parse(payload), slot, { clock: deps.clock }),
  };
}
