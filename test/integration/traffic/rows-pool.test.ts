import { afterEach, describe, expect, it } from 'vitest';
import { copyRowEncoder, type CopyRows } from '../../../src/traffic/fast-path/copy-rows.js';
import type { RawItem } from '../../../src/traffic/readers/line-source.js';
import { READERS } from '../../../src/traffic/readers/by-format.js';
import { createRedactor } from '../../../src/redact/redact-text.js';
import { RowsPool } from '../../../src/traffic/fast-path/rows-pool.js';
import { createScrubber } from '../../../src/traffic/scrub.js';
import { valuesToRows } from '../../../src/traffic/value-rows.js';

const chat = (i: number, content: string) =>
  JSON.stringify({
    timestamp: `2026-11-20T08:${String(i % 60).padStart(2, '0')}:00Z`,
    request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] },
    response: { model: 'gpt-4o-mini', choices: [{ message: { role: 'assistant', content: `answer ${i}` } }] },
  });

/** Good lines, secrets, a line that is not JSON, invalid UTF-8, one dropped unread, a BOM on line 1. */
function items(): RawItem[] {
  const lines: RawItem[] = Array.from({ length: 40 }, (_, i) => ({
    line: i + 1,
    buf: Buffer.from(chat(i, `question ${i} from jane.doe@example.com, key sk-proj-Q7bX2mN9vK4pL8sT1wR6yZ3c`)),
  }));
  lines[0] = { line: 1, buf: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(chat(0, 'first, after a BOM'))]) };
  lines[5] = { line: 6, buf: Buffer.from('not json') };
  lines[9] = { line: 10, buf: Buffer.from([0x7b, 0xff, 0x7d]) };
  lines[20] = { line: 21, buf: null, problem: 'line is over 10 MB' };
  return lines;
}

const ctx = { fallbackTimestamp: '2026-11-20T00:00:00.000Z' };
const patterns = ['question \\d+'];

describe('RowsPool', () => {
  let pool: RowsPool | null = null;
  afterEach(async () => {
    await pool?.close();
    pool = null;
  });

  it('makes in a worker thread the same rows, bytes for bytes, and the same counts as the main thread', async () => {
    const here = valuesToRows(items(), READERS['openai-chat'], ctx, {
      format: 'openai-chat',
      scrub: createScrubber(createRedactor(patterns)),
      sink: copyRowEncoder(7),
    });
    pool = new RowsPool(1, { format: 'openai-chat', redactPatterns: patterns, importId: 7 });
    await pool.started();
    expect(pool.hasRoom()).toBe(true);
    const there = await pool.run(items(), ctx);
    const bytes = (b: CopyRows) => Buffer.concat(b.seal());
    expect(bytes(there.batch).equals(bytes(here.batch))).toBe(true);
    const { batch: _a, ...counts } = there;
    const { batch: _b, ...expected } = here;
    expect(counts).toEqual(expected);
    expect(counts).toMatchObject({ rows: 37, redacted: 108, redactedKinds: { email: 36, openai_key: 36, custom: 36 } });
    expect(counts.bad).toEqual([
      { line: 6, reason: expect.stringMatching(/not valid JSON/) },
      { line: 10, reason: 'not valid UTF-8' },
      { line: 21, reason: 'line is over 10 MB' },
    ]);
  });

  it('takes two chunks a thread at once, and fails what it holds when its thread stops', async () => {
    pool = new RowsPool(1, { format: 'openai-chat', redactPatterns: [], importId: 1 });
    expect(pool.hasRoom()).toBe(false);
    await pool.started();
    const first = pool.run(items(), ctx);
    const second = pool.run(items(), ctx);
    expect(pool.hasRoom()).toBe(false);
    await Promise.all([first, second]);
    expect(pool.hasRoom()).toBe(true);
    const held = pool.run(items(), ctx);
    await pool.close();
    await expect(held).rejects.toThrow(/import worker stopped/);
    expect(pool.hasRoom()).toBe(false);
  });
});
