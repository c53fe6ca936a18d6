import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../../src/store/db.js';
import { createTestDatabase, migratedDataDir } from '../../helpers/stores.js';
import { cleanupList, removeDir, watchCli, tempDir, until, type CliProcess } from '../harness.js';
import { assertTrafficSound } from '../traffic-checker.js';
import { chatLine, storedId, writeLines } from '../traffic-lines.js';

/**
 * Minutes on a loaded machine (child processes migrate, import and are killed): 300 s per test.
 *
 * Issue 17's concurrency scenario: four processes import overlapping files into Postgres and two into
 * the embedded store at once; one of each is SIGKILLed mid-way. Then the checker: every line an
 * import that completed accepted is stored exactly once, no completed import lost a row to the killed
 * one, each import owns what it says it imported, table and index agree (amcheck on Postgres, a
 * full-scan vs index-scan count on both), and no run or import is left running.
 */
const cleanups = cleanupList();
afterEach(() => cleanups.run());

/** Source ids of one file: a shared range every file overlaps on, plus a range of its own. */
const idsOf = (name: string, own: number, shared: number) => [
  ...Array.from({ length: shared }, (_, i) => `shared-${i}`),
  ...Array.from({ length: own }, (_, i) => `${name}-${i}`),
];

function writeFiles(dir: string, names: string[], own: number, shared: number, bigName: string, big: number): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const name of names) {
    const ids = idsOf(name, name === bigName ? big : own, shared);
    writeLines(
      join(dir, `${name}.jsonl`),
      ids.map((id) => chatLine(id, `question ${id} ${'about brakes '.repeat(20)}`)),
    );
    files.set(name, ids);
  }
  return files;
}

async function finished(p: CliProcess): Promise<{ code: number | null; out: string; err: string }> {
  const code = await p.exited;
  return { code, out: p.out(), err: p.err() };
}

it('postgres: four overlapping imports at once, one killed mid-way; the checker holds', async () => {
  const database = await createTestDatabase({ migrated: true });
  cleanups.add(() => database.drop());
  const store = await openStore({ url: database.url, max: 2 });
  cleanups.add(() => store.close());
  const dir = tempDir('concurrent-pg');
  cleanups.add(() => removeDir(dir));
  const names = ['p1', 'p2', 'p3', 'victim'];
  const files = writeFiles(dir, names, 3000, 2000, 'victim', 40_000);
  const env = { ...process.env, DATABASE_URL: database.url, REDIS_URL: '' };
  const procs = new Map(names.map((n) => [n, watchCli(['traffic', 'import', '--file', join(dir, `${n}.jsonl`), '--json'], env)]));
  const victim = procs.get('victim') as CliProcess;
  // Kill it once some of its rows are stored (its import is running and owns rows).
  await until(
    async () => {
      const [r] = await store.rows<{ n: number }>(
        sql`select count(*)::int as n from traffic t join traffic_imports i on i.id = t.import_id where i.pid = ${victim.pid} and i.state = 'running'`,
      );
      return Number(r?.n) > 0;
    },
    120_000,
    'the victim import to store rows',
    50,
  );
  victim.kill('SIGKILL');
  const results = new Map<string, { code: number | null; out: string; err: string }>();
  for (const [n, p] of procs) results.set(n, await finished(p));
  expect(results.get('victim')?.code).toBeNull();
  for (const n of ['p1', 'p2', 'p3']) expect({ n, code: results.get(n)?.code, err: results.get(n)?.err }).toEqual({ n, code: 0, err: '' });

  // The next import cleans up what the killed one left (its process is gone).
  const after = watchCli(['traffic', 'import', '--file', join(dir, 'p1.jsonl'), '--json'], env);
  expect((await finished(after)).code).toBe(0);
  const states = await store.rows<{ state: string; n: number }>(
    sql`select state, count(*)::int as n from traffic_imports group by state order by state`,
  );
  expect(states).toEqual([
    { state: 'completed', n: 4 },
    { state: 'failed', n: 1 },
  ]);
  const expected = new Set(['p1', 'p2', 'p3'].flatMap((n) => (files.get(n) as string[]).map(storedId)));
  const check = await assertTrafficSound(store, { expectedIds: expected });
  expect(check.amcheck).toBe('ok');
}, 300_000);

it('embedded store: two imports at once, the holder killed mid-way; the other takes over and the checker holds', async () => {
  const dir = tempDir('concurrent-pglite');
  cleanups.add(() => removeDir(dir));
  const dataDir = join(dir, 'store');
  await migratedDataDir(dataDir);
  const files = writeFiles(dir, ['e1', 'victim'], 2000, 1000, 'victim', 30_000);
  const env = { ...process.env, DATABASE_URL: '', REDIS_URL: '', ROUTELAB_DATA_DIR: dataDir, ROUTELAB_STORE_WAIT_SECONDS: '300' };
  const victim = watchCli(['traffic', 'import', '--file', join(dir, 'victim.jsonl'), '--json'], env);
  // The victim holds the store (its lock file names it) before the other starts, and is killed mid-import.
  await until(async () => (await import('node:fs')).existsSync(`${dataDir}.lock`), 120_000, 'the victim to hold the store', 20);
  const other = watchCli(['traffic', 'import', '--file', join(dir, 'e1.jsonl'), '--json'], env);
  await until(() => other.err().includes('waiting for the embedded store'), 120_000, 'the second import to wait for the first', 20);
  victim.kill('SIGKILL');
  expect(await victim.exited).toBeNull();
  const r = await finished(other);
  expect({ code: r.code, out: r.out.slice(0, 0) }).toEqual({ code: 0, out: '' });
  expect(JSON.parse(r.out)).toMatchObject({ imported: 3000, duplicates: 0 });

  const store = await openStore({ dataDir });
  cleanups.add(() => store.close());
  await assertTrafficSound(store, { expectedIds: (files.get('e1') as string[]).map(storedId) });
}, 300_000);
