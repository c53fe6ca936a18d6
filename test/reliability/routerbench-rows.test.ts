import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { testContext } from '../helpers/cli-context.js';
import { openTestStore, STORE_KINDS } from '../helpers/stores.js';
import { cleanupList, removeDir, tempDir } from './harness.js';
import { scanCounts } from './traffic-checker.js';

/**
 * Issue 17, RouterBench CSV: one unreadable Python literal (an escape past U+10FFFF, a NUL, a lone
 * surrogate) used to fail the whole file with no row number, and a sample_id split across two rows
 * was quarantined instead of merged. Now the bad rows are quarantined by row number, the split case
 * is merged, and the checker finds every accepted (case, model) stored exactly once, each quarantined
 * row stored with its line, and table and index agreeing.
 */
const cleanups = cleanupList();
afterEach(() => cleanups.run());

const HEADER = 'sample_id,prompt,eval_name,small,large,small|model_response,large|model_response,small|total_cost,large|total_cost';
const ROWS = [
  "q.1,['What is 7 * 8?'],math,1.0,1.0,['56'],['56'],2e-06,9e-05",
  "q.2,['past'],math,1.0,1.0,['\\U00110000'],['ok'],2e-06,9e-05",
  "q.3,['nul \\x00 here'],math,1.0,1.0,['a'],['b'],2e-06,9e-05",
  "q.4,['lone \\ud800 surrogate'],math,1.0,1.0,['a'],['b'],2e-06,9e-05",
  // q.5 is split: the small model on this row, the large one two rows below.
  "q.5,['split case'],math,0.0,,['x'],,2e-06,",
  "q.6,['fine'],math,0.0,1.0,['x'],['y'],2e-06,9e-05",
  "q.5,['split case'],math,,1.0,,['y'],,9e-05",
  // q.7 never gets its large model.
  "q.7,['half'],math,1.0,,['x'],,2e-06,",
];

describe.each(STORE_KINDS)('%s: RouterBench rows that cannot be read', (kind) => {
  it('quarantines them by row number, merges the split case, and keeps the rest exactly once', async () => {
    const store = await openTestStore(kind);
    cleanups.add(() => store.cleanup());
    const dir = tempDir('routerbench');
    cleanups.add(() => removeDir(dir));
    const file = join(dir, 'rb.csv');
    writeFileSync(file, `${[HEADER, ...ROWS].join('\n')}\n`);
    const ctx = testContext(store);
    const code = await main(
      ['node', 'routelab', 'outcomes', 'import', '--file', file, '--format', 'routerbench-csv', '--name', 'rb', '--json'],
      ctx,
    );
    expect({ code, err: ctx.err() }).toEqual({ code: 0, err: '' });
    const summary = JSON.parse(ctx.out()) as {
      imported: number;
      quarantined: number;
      quarantine: Array<{ line: number; message: string }>;
    };
    expect(summary.imported).toBe(3 * 2);
    expect(summary.quarantine.map((q) => [q.line, q.message])).toEqual([
      [3, "row 2 (q.2): small's response has the escape \\U00110000, past U+10FFFF"],
      [4, 'row 3 (q.3): the prompt holds a NUL character'],
      [5, 'row 4 (q.4): the prompt holds a lone surrogate U+D800'],
      [9, 'row 8 (q.7): large has no score'],
    ]);

    // The checker: what was accepted is stored once; what was refused is stored by line; no corruption.
    const stored = await store.rows<{ case_id: string; model: string; output: string | null; n: number }>(
      sql`select case_id, model, min(output) as output, count(*)::int as n from recorded_outcomes group by case_id, model order by case_id, model`,
    );
    expect(stored).toEqual([
      { case_id: 'q.1', model: 'large', output: '56', n: 1 },
      { case_id: 'q.1', model: 'small', output: '56', n: 1 },
      { case_id: 'q.5', model: 'large', output: 'y', n: 1 },
      { case_id: 'q.5', model: 'small', output: 'x', n: 1 },
      { case_id: 'q.6', model: 'large', output: 'y', n: 1 },
      { case_id: 'q.6', model: 'small', output: 'x', n: 1 },
    ]);
    const lines = await store.rows<{ line: number }>(sql`select line from outcome_quarantine order by line`);
    expect(lines.map((l) => l.line)).toEqual([3, 4, 5, 9]);
    for (const [table, column] of [
      ['recorded_outcomes', 'case_id'],
      ['outcome_quarantine', 'line'],
    ] as const) {
      const counts = await scanCounts(store, table, column);
      expect(counts.index).toBe(counts.seq);
    }
  });
});
