import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createRedactor } from '../../src/redact/redact-text.js';
import { createValueRedactor } from '../../src/redact/redact-value.js';

/**
 * The redactor's cost per line beside JSON.parse's, on the same lines in the same process: the
 * first `max` lines of `file` are parsed (timed: the baseline), parsed again into fresh values, and
 * those walked by the value redactor (timed) — every string and number of the line, more than the
 * import redacts (it keeps only the record's fields). Best of five rounds per side, alternating.
 * Each round starts a new value redactor, as each import does: its memo of short strings is only
 * warm from the lines before in the same round, never from the same line in an earlier round.
 */
export async function redactionCost(
  file: string,
  max: number,
): Promise<{ lines: number; parseUsPerLine: number; redactUsPerLine: number }> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line) lines.push(line);
    if (lines.length >= max) break;
  }
  const redactor = createRedactor();
  let parseBest = Infinity;
  let redactBest = Infinity;
  let sink = 0;
  for (let round = 0; round < 5; round++) {
    let t = process.hrtime.bigint();
    for (const line of lines) sink += (JSON.parse(line) as unknown[]).length ?? 0;
    parseBest = Math.min(parseBest, Number(process.hrtime.bigint() - t) / 1e3);
    const parsed = lines.map((l) => JSON.parse(l) as unknown);
    const values = createValueRedactor(redactor);
    t = process.hrtime.bigint();
    for (const v of parsed) values.value(v);
    redactBest = Math.min(redactBest, Number(process.hrtime.bigint() - t) / 1e3);
  }
  if (sink < 0) console.error(sink);
  return { lines: lines.length, parseUsPerLine: parseBest / lines.length, redactUsPerLine: redactBest / lines.length };
}
