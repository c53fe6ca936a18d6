import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createSample } from '../../src/app/create-sample.js';
import { abandonImport, beginImport, beginLockedImport } from '../../src/store/repos/traffic-import-repo.js';
import { copyTrafficWriter } from '../../src/traffic/fast-path/copy-writer.js';
import { importTraffic } from '../../src/traffic/import.js';
import { READERS } from '../../src/traffic/readers/by-format.js';
import { readRawBatches } from '../../src/traffic/readers/line-source.js';
import { createScrubber } from '../../src/traffic/scrub.js';
import { createRedactor } from '../../src/redact/redact-text.js';
import { valuesToRows } from '../../src/traffic/value-rows.js';
import { testContext } from '../helpers/cli-context.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';
import { HANG_MS } from '../helpers/waits.js';
import { argv, cleanupList, removeDir, retrying, tempDir } from './harness.js';
import { assertTrafficSound } from './traffic-checker.js';
import { chatLine, storedId, writeLines } from './traffic-lines.js';

/**
 * Issue 17, "an import is a unit", on Postgres. The interleavings that lost data are set up step by
 * step (no timing): an import left running by a dead process, and an import abandoned after another
 * one counted its rows as duplicates. The checker then finds every accepted record stored exactly
 * once, every import owning exactly what it says it imported, and table and index agreeing.
 */
const cleanups = cleanupList();
afterEach(() => cleanups.run());

async function setup(n: number): Promise<{ store: TestStore; file: string; ids: string[] }> {
  const store = await openTestStore('postgres');
  cleanups.add(() => store.cleanup());
  const dir = tempDir('import-unit');
  cleanups.add(() => removeDir(dir));
  const sources = Array.from({ length: n }, (_, i) => `rec-${i}`);
  return {
    store,
    file: writeLines(
      join(dir, 'traffic.jsonl'),
      sources.map((id) => chatLine(id)),
    ),
    ids: sources.map(storedId),
  };
}

/**
 * Write `file` as a running import would, then stop: what a process killed mid-import leaves, or
 * (`alive`) an import still running, its session lock held until the test ends.
 */
async function halfImport(store: TestStore, file: string, alive = false): Promise<number> {
  let importId: number;
  if (alive) {
    const session = await (store.session as NonNullable<TestStore['session']>)();
    cleanups.add(() => session.close());
    importId = await beginLockedImport(session.sql, [file], 'openai-chat');
  } else importId = await beginImport(store.db, [file], 'openai-chat');
  const writer = copyTrafficWriter(store.db, importId);
  const maker = { format: 'openai-chat' as const, scrub: createScrubber(createRedactor([])), sink: writer };
  for await (const items of readRawBatches(file, { bytes: 0 })) {
    const rows = valuesToRows(items, READERS['openai-chat'], { fallbackTimestamp: new Date(0).toISOString() }, maker);
    await writer.write(rows.batch, rows.notReplayable);
  }
  return importId;
}

async function imports(
  store: TestStore,
): Promise<Array<{ id: number; state: string; imported: number; duplicates: number; error: string | null }>> {
  const ctx = testContext(store);
  expect(await main(['node', 'routelab', 'traffic', 'imports', '--json'], ctx)).toBe(0);
  return (JSON.parse(ctx.out()) as Array<{ id: number; state: string; imported: number; duplicates: number; error: string | null }>).sort(
    (a, b) => a.id - b.id,
  );
}

it('a killed import is not sampled, and the next import cleans it up and imports the records itself', async () => {
  const { store, file, ids } = await setup(40);
  const dead = await halfImport(store, file);
  const [{ n } = { n: 0 }] = await store.rows<{ n: number }>(sql`select count(*)::int as n from traffic`);
  expect(n).toBe(40);
  // Its rows are stored but are not traffic yet: no sample can draw them.
  await expect(createSample(store.db, { name: 's0', size: 5 })).rejects.toThrow(/no replayable traffic/);

  const summary = await importTraffic(store, [file]);
  expect(summary).toMatchObject({ imported: 40, duplicates: 0 });
  expect(await imports(store)).toEqual([
    expect.objectContaining({
      id: dead,
      state: 'failed',
      imported: 0,
      error: expect.stringMatching(/importing process \(pid \d+\) stopped before the import finished/),
    }),
    expect.objectContaining({ id: summary.import_id, state: 'completed', imported: 40, duplicates: 0 }),
  ]);
  expect((await createSample(store.db, { name: 's1', size: 5 })).size).toBe(5);
  await assertTrafficSound(store, { expectedIds: ids });
});

it('an abandoned import keeps the rows another import counted as its duplicates, and passes them to it', async () => {
  const { store, file, ids } = await setup(30);
  // A inserts every record and is still running when B imports the same file: B finds 30 duplicates.
  const a = await halfImport(store, file, true);
  const b = await importTraffic(store, [file]);
  expect(b).toMatchObject({ imported: 0, duplicates: 30 });
  // A is then abandoned: its rows pass to B instead of vanishing under B's feet.
  await abandonImport(store.db, a, 'abandoned', 'too many bad lines');
  expect(await imports(store)).toEqual([
    expect.objectContaining({ id: a, state: 'abandoned', imported: 0 }),
    expect.objectContaining({ id: b.import_id, state: 'completed', imported: 30, duplicates: 0 }),
  ]);
  expect((await createSample(store.db, { name: 's', size: 30 })).size).toBe(30);
  await assertTrafficSound(store, { expectedIds: ids });
});

it('an abandoned import removes exactly its own rows, never those of a completed import', async () => {
  const { store, file, ids } = await setup(20);
  const first = await importTraffic(store, [file]);
  expect(first.imported).toBe(20);
  const dir = tempDir('import-unit-more');
  cleanups.add(() => removeDir(dir));
  const more = writeLines(join(dir, 'more.jsonl'), [
    ...Array.from({ length: 20 }, (_, i) => chatLine(`rec-${i}`)),
    chatLine('extra-1'),
    ...Array.from({ length: 50 }, () => 'bad'),
  ]);
  await expect(importTraffic(store, [more])).rejects.toThrow(/import abandoned, nothing kept/);
  await assertTrafficSound(store, { expectedIds: ids });
});

/** The promise's value, or a failure naming `what` when it has not settled within HANG_MS (a hang, not slowness). */
async function settles<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not end within ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return await Promise.race([p, hung]);
  } finally {
    clearTimeout(timer);
  }
}

it('an import whose Postgres connections are all cut mid-COPY fails naming the lost connection; run again, it stores every record once', async () => {
  // Four batches of 5,000 (the Postgres default), two COPYs at once.
  const { store, file, ids } = await setup(20_000);
  // What a failover or a DBA does to the clients: every backend of the test database terminated, once,
  // from inside the COPY carrying the 12,000th row (no timing: the server cuts where the data is).
  await store.rows(sql.raw(`create sequence cut_once`));
  await store.rows(
    sql.raw(`create function cut_once() returns trigger language plpgsql as $$
      begin
        if nextval('cut_once') = 12000 then
          perform pg_terminate_backend(pid) from pg_stat_activity
            where datname = current_database() and backend_type = 'client backend';
        end if;
        return new;
      end $$`),
  );
  await store.rows(sql.raw(`create trigger cut_once before insert on traffic for each row execute function cut_once()`));

  const cut = testContext(store);
  const cutCode = await settles(main(argv('traffic', 'import', '--file', file), cut), 'the cut import');
  expect({ code: cutCode, err: cut.err() }).toEqual({ code: 1, err: expect.stringMatching(/^error: lost the connection to Postgres/) });
  const [{ n: rowsSeen } = { n: 0 }] = await retrying(() => store.rows<{ n: number }>(sql`select last_value::int as n from cut_once`));
  expect(rowsSeen).toBeGreaterThanOrEqual(12_000);
  const afterCut = await retrying(() => imports(store));
  expect(afterCut).toEqual([expect.objectContaining({ state: 'failed', imported: 0, error: expect.stringMatching(/connection/) })]);
  expect(await store.rows(sql`select count(*)::int as n from traffic`)).toEqual([{ n: 0 }]);

  const again = testContext(store);
  const againCode = await settles(main(argv('traffic', 'import', '--file', file, '--json'), again), 'the import run again');
  expect({ code: againCode, err: again.err() }).toEqual({ code: 0, err: '' });
  expect(JSON.parse(again.out())).toMatchObject({ imported: 20_000, duplicates: 0 });
  expect(await imports(store)).toEqual([afterCut[0], expect.objectContaining({ state: 'completed', imported: 20_000, duplicates: 0 })]);
  await assertTrafficSound(store, { expectedIds: ids });
});
