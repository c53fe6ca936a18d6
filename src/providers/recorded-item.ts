import type { Issue } from '../domain/errors.js';
import type { RecordedOutcomeLine } from '../domain/outcome.js';

/** What an outcomes reader yields per (case, model): a row to store, or a quarantined row with its location. */
export type RecordedItem = { ok: true; row: RecordedOutcomeLine } | { ok: false; issue: Issue };

export const RecordedFormat = ['routerbench-csv', 'jsonl'] as const;
export type RecordedFormat = (typeof RecordedFormat)[number];
