import type { NormalisedRecord } from './readers/reader.js';
import type { Redactor } from '../redact/redact-text.js';
import { createValueRedactor } from '../redact/redact-value.js';

export interface ScrubResult {
  record: NormalisedRecord;
  /** Spans replaced by placeholders, by kind. */
  kinds: Record<string, number>;
  count: number;
}

// Postgres text and jsonb reject U+0000 and unpaired surrogates; JSON escapes can carry both.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The string fields of the fixed-shape parts of a record, as the scrubber handles them. */
export const SCRUBBED_FIELDS = { message: ['role', 'content', 'name'], response: ['model', 'output'] } as const;

/**
 * Every string of a record — messages, params, metadata (keys too), output, model — through the
 * one redactor (src/redact/), so nothing reaches the store unredacted however deep it sits:
 * credential-named values replaced whole, JSON in strings (tool-call arguments) parsed and walked,
 * numbers checked. The record is rewritten in place: readers build it fresh from the parsed line,
 * and copying it would double the garbage. Pure apart from that; the memo belongs to the scrubber.
 */
export type Scrubber = (record: NormalisedRecord) => ScrubResult;

export function createScrubber(redact: Redactor): Scrubber {
  // Unstorable characters go first, in every string however deep, keys included.
  const values = createValueRedactor(redact, (s) => {
    if (!UNSTORABLE.test(s)) return s;
    UNSTORABLE.lastIndex = 0;
    return s.replace(UNSTORABLE, (c) => (c === '\u0000' ? '' : '\ufffd'));
  });
  const text = values.text;
  const walk = values.value;
  return (record) => {
    values.reset();
    const { request, response } = record;
    // Messages and the response have the fixed shapes of domain/traffic-record.ts, built by the
    // readers: their keys are ours and only their string fields can carry anything (a test holds
    // this list to the schema). Params and metadata are the caller's, walked whole, keys too.
    for (const m of request.messages) {
      m.role = text(m.role);
      m.content = text(m.content);
      if (m.name !== undefined) m.name = text(m.name);
    }
    walk(request.params);
    walk(record.metadata);
    if (response.model !== null) response.model = text(response.model);
    if (response.output !== null) response.output = text(response.output);
    return { record, kinds: values.kinds, count: values.count };
  };
}

/** One-off form of the scrubber. */
export function scrubRecord(record: NormalisedRecord, redact: Redactor): ScrubResult {
  return createScrubber(redact)(record);
}
