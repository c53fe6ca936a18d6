import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { ownerAlive } from '../../src/app/deploy-command.js';
import { main } from '../../src/cli/main.js';
import { approveProposal } from '../../src/store/repos/review-repo.js';
import { openTestStore } from '../helpers/stores.js';
import { dropRules, seedReview } from '../integration/review/seed.js';
import { checkPromotions } from './checker.js';
import { argv, BIN, cleanupList, cliContext, removeDir, ROOT, tempDir, until } from './harness.js';
import { HANG_MS } from '../helpers/waits.js';

/**
 * routelab is SIGKILLed while the deploy command runs. Nothing may be active that was not deployed,
 * the deploy command must not survive as an orphan, and the next command reconciles: the stuck
 * promotion is marked failed and its export removed; the proposal can then be promoted. Ends with
 * the promotion checker.
 */

const cleanups = cleanupList();
afterEach(() => cleanups.run());

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('killing routelab during the deploy leaves nothing active, no orphan, and the next command reconciles', async () => {
  const store = await openTestStore('postgres');
  cleanups.add(() => store.cleanup());
  const dir = tempDir('promote-crash');
  cleanups.add(() => removeDir(dir));
  const seeded = await seedReview(store.db);
  const id = seeded.proposalIds[0] as string;
  await dropRules(store.db, id);
  await approveProposal(store.db, id, { actor: 'alice', at: new Date() });

  const pidFile = join(dir, 'deploy.pid');
  const hang = `node -e "require('fs').writeFileSync(process.argv[1], String(process.pid)); setInterval(() => {}, 1000)" ${pidFile}`;
  const out = join(dir, 'out');
  const env = {
    ...process.env,
    DATABASE_URL: store.url,
    REDIS_URL: '',
    ROUTELAB_PROMOTE_DIR: out,
    ROUTELAB_PROMOTE_COMMAND: hang,
    ROUTELAB_DEBUG: '',
  };
  const child = spawn(process.execPath, [BIN, 'promote', id, '--as', 'crash'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((r) => child.once('exit', r));
  cleanups.add(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 60_000, 'the deploy command to start');
  const deployPid = Number(readFileSync(pidFile, 'utf8'));
  cleanups.add(() => alive(deployPid) && process.kill(deployPid, 'SIGKILL'));

  // While the deploy runs: journaled as promoting, the export written, the old version still active.
  const during = await store.rows<{ state: string }>(sql`select state from promotions`);
  expect(during.map((r) => r.state)).toEqual(['promoting']);
  expect(readdirSync(out)).toHaveLength(1);
  expect(await checkPromotions(store, () => true, existsSync)).toEqual([]);

  child.kill('SIGKILL');
  await exited;
  // The supervisor sees routelab's pipe close and kills the deploy command's process group.
  await until(() => !alive(deployPid), HANG_MS, 'the deploy command to be stopped with routelab');

  // The next command reconciles, then promotes through a deploy command that works.
  const next = cliContext(store, { ROUTELAB_PROMOTE_DIR: out, ROUTELAB_PROMOTE_COMMAND: 'node -e ""' });
  expect({ code: await main(argv('promote', id, '--as', 'retry'), next), err: next.err() }).toEqual({
    code: 0,
    err: expect.stringMatching(/was left mid-deploy by .*; marked failed, nothing activated, export removed/),
  });
  expect(next.out()).toContain('deploy command: ok');
  const journal = await store.rows<{ state: string; actor: string }>(sql`select state, actor from promotions order by created_at`);
  expect(journal.map((r) => [r.actor, r.state])).toEqual([
    ['crash', 'failed'],
    ['retry', 'deployed'],
  ]);
  expect(readdirSync(out)).toHaveLength(1);
  expect(await checkPromotions(store, ownerAlive, existsSync)).toEqual([]);
});
