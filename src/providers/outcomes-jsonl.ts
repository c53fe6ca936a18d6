import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { RecordedOutcomeLine } from '../domain/outcome.js';
import type { RecordedItem } from './recorded-item.js';

/**
 * Read generic recorded-outcomes JSONL (DESIGN.md §2), one (case, model) per line. Streams; a bad
 * line is quarantined with its line number and the field at fault, and reading goes on.
 */
export async function* readOutcomesJsonl(input: Readable, file: string): AsyncGenerator<RecordedItem> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line++;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      yield { ok: false, issue: { file, line, message: 'not valid JSON' } };
      continue;
    }
    const parsed = RecordedOutcomeLine.safeParse(json);
    if (parsed.success) {
      yield { ok: true, row: parsed.data };
      continue;
    }
    const first = parsed.error.issues[0];
    const field = first?.path.join('.') || undefined;
    yield { ok: false, issue: { file, line, field, message: `${field ? `${field}: ` : ''}${first?.message ?? 'invalid line'}` } };
  }
}
