import { z } from 'zod';
import { NightlyOptions } from '../domain/nightly.js';

/**
 * Job payloads: ids and names only — never a secret, never raw traffic (DESIGN.md §4). Every
 * processor parses its payload with these before touching anything.
 */

export const ChunkPayload = z.object({ run_id: z.string().min(1), chunk: z.number().int().min(0) });
export type ChunkPayload = z.infer<typeof ChunkPayload>;

export const AggregatePayload = z.object({ run_id: z.string().min(1) });
export type AggregatePayload = z.infer<typeof AggregatePayload>;

/** What a nightly schedule re-runs each slot: a fresh sample of the last window, then a run. */
export const NightlyPayload = z.object({
  policy: z.string().min(1),
  /** Registered policy names only: a worker on another machine cannot read a local file. */
  variants: z.array(z.string().min(1)).default([]),
  window_ms: z.number().int().positive(),
  size: z.number().int().positive(),
  golden: z.string().min(1).optional(),
  cost_cap_usd: z.number().positive().optional(),
  holdout: z.number().min(0).lt(1).default(0.3),
  seed: z.string().optional(),
  /** Share of cached pairs re-asked each night (seeded by the slot), so drift is seen. */
  refresh_rate: z.number().min(0).max(1).optional(),
  /** After the run: detect, propose, report, notify (see NightlyOptions). */
  nightly: NightlyOptions.optional(),
});
export type NightlyPayload = z.infer<typeof NightlyPayload>;

export const JobName = z.enum(['chunk', 'aggregate', 'nightly']);
export type JobName = z.infer<typeof JobName>;

/** Job ids derived from the run: adding the same run's flow twice adds nothing. (No ':' — BullMQ refuses it.) */
export const chunkJobId = (runId: string, chunk: number) => `${runId}-chunk-${chunk}`;
export const aggregateJobId = (runId: string) => `${runId}-aggregate`;

/** The chunk number of a chunk job key (`<prefix>:<queue>:<runId>-chunk-<n>`), if it is one. */
export function chunkOfJobKey(key: string): number | undefined {
  const m = /-chunk-(\d+)$/.exec(key);
  return m ? Number(m[1]) : undefined;
}
