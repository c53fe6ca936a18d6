import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../../src/store/db.js';
import { migratedDataDir } from '../../helpers/stores.js';
import { lockStore, StoreBusyError, type StoreLockHolder } from '../../../src/store/store-lock.js';
import { cleanupList, hasStackTrace, removeDir, runCli, tempDir } from '../harness.js';
import { assertTrafficSound } from '../traffic-checker.js';
import { chatLine, storedId, writeLines } from '../traffic-lines.js';

/**
 * Issue 17, "embedded store, one writer": two processes on one PGlite data directory used to both
 * report success while one import vanished, or leave a table and its index disagreeing. Now a second
 * process waits for the holder (told who it is) or stops with an error naming it; a lock left by a
 * dead process is taken over; two imports started together both land, and the checker finds every
 * line stored once with table and index agreeing.
 */
/** Child processes open PGlite several times: minutes on a loaded machine, hence 300 s per test. */
const cleanups = cleanupList();
afterEach(() => cleanups.run());

/** A migrated data directory for each test (a copy of the run's template): the child processes then only open it. */
async function setup() {
  const dir = tempDir('one-writer');
  cleanups.add(() => removeDir(dir));
  const dataDir = join(dir, 'store');
  await migratedDataDir(dataDir);
  const env = (wait: number) => ({
    ...process.env,
    ROUTELAB_DATA_DIR: dataDir,
    DATABASE_URL: '',
    REDIS_URL: '',
    ROUTELAB_STORE_WAIT_SECONDS: String(wait),
  });
  return { dir, dataDir, env };
}

it('a second process stops with an error naming the holder; a dead holder’s lock is taken over', async () => {
  const { dataDir, env } = await setup();
  const store = await openStore({ dataDir, lock: { command: 'routelab dashboard' } });
  const busy = await runCli(['traffic', 'imports', '--json'], env(0), { timeoutMs: 60_000 });
  await store.close();
  expect(busy.code).toBe(1);
  expect(hasStackTrace(busy.stderr)).toBe(false);
  expect(busy.stderr).toContain(`in use by another routelab process (pid ${process.pid} on ${hostname()}, \`routelab dashboard\``);
  expect(busy.stdout).toBe('');

  // A lock file left by a process that is gone (a kill -9) does not block anyone.
  const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
  const stale: StoreLockHolder = { pid: dead, host: hostname(), command: 'routelab traffic import', since: new Date().toISOString() };
  writeFileSync(`${dataDir}.lock`, JSON.stringify(stale));
  const after = await runCli(['traffic', 'imports', '--json'], env(0), { timeoutMs: 60_000 });
  expect({ code: after.code, err: after.stderr }).toEqual({ code: 0, err: '' });
  expect(JSON.parse(after.stdout)).toEqual([]);
}, 300_000);

it('a waiting process is told who holds the store, and goes on once it is released', async () => {
  const { dataDir } = await setup();
  const first = await lockStore(dataDir, { command: 'routelab traffic import' });
  let told: StoreLockHolder | undefined;
  const second = await lockStore(dataDir, {
    waitMs: 30_000,
    pollMs: 10,
    onWait: (holder) => {
      told = holder;
      first.release();
    },
  });
  second.release();
  expect(told).toMatchObject({ pid: process.pid, command: 'routelab traffic import' });
  await expect(lockStore(dataDir, { alive: () => true })).resolves.toBeDefined();
  const held = await lockStore(`${dataDir}-2`);
  cleanups.add(() => held.release());
  await expect(lockStore(`${dataDir}-2`)).rejects.toBeInstanceOf(StoreBusyError);
}, 300_000);

it('two imports started together both land; every line is stored once and table and index agree', async () => {
  const { dir, dataDir, env } = await setup();
  const a = writeLines(
    join(dir, 'a.jsonl'),
    Array.from({ length: 300 }, (_, i) => chatLine(`a-${i}`)),
  );
  const b = writeLines(
    join(dir, 'b.jsonl'),
    Array.from({ length: 300 }, (_, i) => chatLine(i < 100 ? `a-${i}` : `b-${i}`)),
  );
  const [ra, rb] = await Promise.all([
    runCli(['traffic', 'import', '--file', a, '--json'], env(120), { timeoutMs: 150_000 }),
    runCli(['traffic', 'import', '--file', b, '--json'], env(120), { timeoutMs: 150_000 }),
  ]);
  expect([ra.code, rb.code]).toEqual([0, 0]);
  const sa = JSON.parse(ra.stdout) as { imported: number; duplicates: number };
  const sb = JSON.parse(rb.stdout) as { imported: number; duplicates: number };
  expect(sa.imported + sb.imported).toBe(500);
  expect(sa.duplicates + sb.duplicates).toBe(100);
  const store = await openStore({ dataDir });
  cleanups.add(() => store.close());
  const ids = [...Array.from({ length: 300 }, (_, i) => `a-${i}`), ...Array.from({ length: 200 }, (_, i) => `b-${i + 100}`)].map(storedId);
  await assertTrafficSound(store, { expectedIds: ids });
}, 300_000);
