import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createRedactor } from '../../src/redact/redact-text.js';
import { createValueRedactor } from '../../src/redact/redact-value.js';

/**
 * The redactor's cost per line beside JSON.parse's, on the same lines in the same process: the
 * first `max` lines of `file` are parsed (timed: the baseline), parsed again into fresh values, and
 * those walked by the value redactor (timed) — every string and number of the line, more than the
 * import redacts (it keeps only the record's fields). Best of seven rounds per side, alternating.
 * Each round starts a new value redactor, as each import does: its memo of short strings is only
 * warm from the lines before in the same round, never from the same line in an earlier round.
 * Times are this process's CPU time (user + system), not wall time: on a shared machine a phase
 * descheduled for a while would otherwise count time neither side spent.
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
  const cpuUs = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  for (let round = 0; round < 7; round++) {
    let t = cpuUs();
    for (const line of lines) sink += JSON.parse(line) === null ? 0 : 1;
    parseBest = Math.min(parseBest, cpuUs() - t);
    const parsed = lines.map((l) => JSON.parse(l) as unknown);
    const values = createValueRedactor(redactor);
    t = cpuUs();
    for (const v of parsed) values.value(v);
    redactBest = Math.min(redactBest, cpuUs() - t);
  }
  if (sink < 0) console.error(sink);
  return { lines: lines.length, parseUsPerLine: parseBest / lines.length, redactUsPerLine: redactBest / lines.length };
}
