import type { AggregatePayload, ChunkPayload, NightlyPayload } from './payloads.js';

/**
 * What the runners execute. The queue knows nothing of the store or the providers: src/jobs builds
 * these from its processors and hands them over (DESIGN.md §6 — only cli/, jobs/ and workers/ wire).
 */
export interface Processors {
  chunk(payload: ChunkPayload): Promise<void>;
  /** Record a chunk that failed after all its attempts; its cases become recorded failures. */
  chunkFailed(payload: ChunkPayload, reason: string): Promise<void>;
  aggregate(payload: AggregatePayload): Promise<void>;
  /** The aggregate itself failed after its attempts: the run is failed, with the reason. */
  runFailed(payload: AggregatePayload, reason: string): Promise<void>;
  /** Plan a scheduled run for a slot; returns the run id and chunks to enqueue, or null if the slot already ran. */
  nightly(payload: NightlyPayload, slot: string): Promise<{ run_id: string; chunks: number[] } | null>;
}

/** Attempts per job before it counts as failed (chunks then become recorded failures). */
export const JOB_ATTEMPTS = 3;
