import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/domain/errors.js';
import { importTraffic } from '../../src/traffic/import.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores.js';
import { cleanupList, removeDir, tempDir } from './harness.js';
import { assertTrafficSound } from './traffic-checker.js';
import { chatLine, storedId, writeLines } from './traffic-lines.js';

/**
 * Issue 17, "error paths scale": 20,000 short bad lines land in one read chunk (about 1 MB), which
 * used to become one quarantine INSERT with 80,000 bind parameters (Postgres allows 65,535) and die
 * with a megabyte of SQL or a stack overflow. Now they are quarantined (or the import is abandoned
 * with its message) on both stores, and the checker finds the store sound.
 */
const BAD = 20_000;
const cleanups = cleanupList();
afterEach(() => cleanups.run());

describe.each(STORE_KINDS)('%s: 20,000 bad lines in one chunk', (kind) => {
  async function setup(): Promise<{ store: TestStore; file: string; goodIds: string[] }> {
    const store = await openTestStore(kind);
    cleanups.add(() => store.cleanup());
    const dir = tempDir('bad-lines');
    cleanups.add(() => removeDir(dir));
    const good = Array.from({ length: 50 }, (_, i) => `good-${i}`);
    const lines = [...good.map((id) => chatLine(id)), ...Array.from({ length: BAD }, (_, i) => `x${i % 10}`)];
    return { store, file: writeLines(join(dir, 'bad.jsonl'), lines), goodIds: good.map(storedId) };
  }

  it('quarantines every one of them with its line number when the share is allowed', async () => {
    const { store, file, goodIds } = await setup();
    const summary = await importTraffic(store, [file], { format: 'openai-chat', maxBadShare: 1 });
    expect(summary.imported).toBe(50);
    expect(summary.quarantined_count).toBe(BAD);
    const [row] = await store.rows<{ n: number; first: number; last: number }>(
      sql`select count(*)::int as n, min(line)::int as first, max(line)::int as last from quarantine where import_id = ${summary.import_id}`,
    );
    expect(row).toEqual({ n: BAD, first: 51, last: 50 + BAD });
    await assertTrafficSound(store, { expectedIds: goodIds });
  });

  it('abandons the import with its message and keeps nothing when the share is too high', async () => {
    const { store, file } = await setup();
    const err = await importTraffic(store, [file], { format: 'openai-chat' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/import abandoned, nothing kept: 20000 of 20050 lines are bad/);
    const [q] = await store.rows<{ n: number }>(sql`select count(*)::int as n from quarantine`);
    expect(q?.n).toBe(0);
    await assertTrafficSound(store, { expectedIds: [] });
  });
});
