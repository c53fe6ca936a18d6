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
  /**
   * A passing infrastructure fault (the database connection lost): the job is tried again later
   * without using up one of its attempts, for up to TRANSIENT_WINDOW_MS.
   */
  isTransient?(error: unknown): boolean;
}

/** How long a job keeps waiting out transient faults (a database restart) before they count. */
export const TRANSIENT_WINDOW_MS = 10 * 60_000;

/** Delay before the next try after the k-th transient fault in a row: 1 s doubling, at most 15 s. */
export function transientDelayMs(k: number): number {
  return Math.min(15_000, 1000 * 2 ** Math.min(k, 4));
}

/** Attempts per job before it counts as failed (chunks then become recorded failures). */
export const JOB_ATTEMPTS = 3;
