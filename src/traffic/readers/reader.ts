import type { TrafficMetadata, TrafficRequest, TrafficResponse } from '../../domain/traffic-record.js';

/** A traffic record as a reader produces it: the id is derived later, from `sourceId` or the content. */
export interface NormalisedRecord {
  /** The producer's own id for the call (request_id, observation id, trace+span id), if any. */
  sourceId: string | null;
  timestamp: string;
  request: TrafficRequest;
  metadata: TrafficMetadata;
  response: TrafficResponse;
  replayable: boolean;
}

/**
 * What one parsed input value yields. Most values are one record; an OTLP document holds many spans,
 * some of which are not GenAI calls (skipped) or lack what is required (bad, with the reason).
 */
export interface ReadOutput {
  records: NormalisedRecord[];
  bad: string[];
  skipped: number;
}

export interface ReaderContext {
  /** Used when a record carries no time at all (a failed Batch line): the file's modification time. */
  fallbackTimestamp: string;
}

export type Reader = (value: unknown, ctx: ReaderContext) => ReadOutput;

/** Shared by every good value: readers build a fresh list only when something is bad. */
const NO_BAD: string[] = Object.freeze([]) as unknown as string[];
export const one = (record: NormalisedRecord): ReadOutput => ({ records: [record], bad: NO_BAD, skipped: 0 });
export const bad = (reason: string): ReadOutput => ({ records: [], bad: [reason], skipped: 0 });
export const skip = (): ReadOutput => ({ records: [], bad: [], skipped: 1 });
