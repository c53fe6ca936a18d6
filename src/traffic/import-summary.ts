import { z } from 'zod';
import { TrafficFormat } from '../domain/traffic-record.js';

export const QuarantinedLine = z.object({
  file: z.string(),
  /** 1-based line where the bad line (or array element, or span's document) starts. */
  line: z.number().int(),
  reason: z.string(),
});
export type QuarantinedLine = z.infer<typeof QuarantinedLine>;

/** What `traffic import` reports; `--json` prints exactly this. */
export const ImportSummary = z.object({
  import_id: z.number().int(),
  format: TrafficFormat,
  /** True when the format was picked from the content rather than given with --format. */
  detected: z.boolean(),
  files: z.array(z.string()),
  /** Records newly stored. */
  imported: z.number().int(),
  /** Records already stored (by an earlier import or earlier in this one). */
  duplicates: z.number().int(),
  /** The first QUARANTINE_LIST_LIMIT bad lines; `quarantined_count` has them all. */
  quarantined: z.array(QuarantinedLine),
  quarantined_count: z.number().int(),
  /** Values that are not model calls (Langfuse spans/events, non-GenAI OTel spans). */
  skipped: z.number().int(),
  /** Secrets and PII spans replaced by placeholders, in total and by kind. */
  redacted: z.number().int(),
  redacted_kinds: z.record(z.string(), z.number().int()),
  /** Of the imported records, those with no request content to replay. */
  not_replayable: z.number().int(),
});
export type ImportSummary = z.infer<typeof ImportSummary>;

export const QUARANTINE_LIST_LIMIT = 1000;
