import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { ownerAlive } from '../../src/app/deploy-command.js';
import { exportFileName } from '../../src/app/export-name.js';
import { main } from '../../src/cli/main.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';
import { dropRules, POLICY, seedReview } from '../integration/review/seed.js';
import { checkPromotions } from './checker.js';
import { cliScenarioSetup } from './cli-scenario.js';
import { argv, cliContext, removeDir } from './harness.js';

/**
 * Promotion you can trust, command by command: the deploy command sees only allow-listed variables,
 * is stopped at its timeout, and a failed promotion activates nothing and leaves no file; rollback
 * deploys through the same path and skips versions that were never deployed; export names never
 * collide; `-n` wins on import; removed policies keep their history; a printed id prefix works.
 * Each case ends with the promotion checker.
 */

// Cleanups after each test; the CLI's modules are loaded once before all (cli-scenario.ts).
const cleanups = cliScenarioSetup();

async function setup() {
  const store = await openTestStore('pglite');
  cleanups.add(() => store.cleanup());
  const dir = mkdtempSync(join(tmpdir(), 'routelab-trust-'));
  cleanups.add(() => removeDir(dir));
  const seeded = await seedReview(store.db);
  const id = seeded.proposalIds[0] as string;
  await dropRules(store.db, id);
  const out = join(dir, 'out');
  const run = async (env: NodeJS.ProcessEnv, ...args: string[]) => {
    const ctx = cliContext(store, { PATH: process.env.PATH, ROUTELAB_PROMOTE_DIR: out, ...env });
    const code = await main(argv(...args), ctx);
    return { code, out: ctx.out(), err: ctx.err() };
  };
  return { store, dir, out, id, run, seeded };
}

const activeVersions = async (store: TestStore) =>
  (await store.rows<{ version: number }>(sql`select version from policy_versions where is_active order by version`)).map((r) =>
    Number(r.version),
  );
const expectChecked = async (store: TestStore) => expect(await checkPromotions(store, ownerAlive, existsSync)).toEqual([]);

it('the deploy command gets only allow-listed variables; a refused name or a timeout activates nothing and leaves no file', async () => {
  const { store, dir, out, id, run } = await setup();
  expect((await run({}, 'approve', id)).code).toBe(0);
  const secrets = {
    DATABASE_URL: 'postgres://owner:hunter2@db/prod',
    REDIS_URL: 'redis://prod',
    OPENAI_API_KEY: 'sk-canary-123456789012345678',
  };

  const refused = await run(
    { ...secrets, ROUTELAB_PROMOTE_ENV: 'DEPLOY_TOKEN,DATABASE_URL', ROUTELAB_PROMOTE_COMMAND: 'node -e ""' },
    'promote',
    id,
  );
  expect(refused).toMatchObject({ code: 2, err: expect.stringContaining('ROUTELAB_PROMOTE_ENV: DATABASE_URL may not be passed') });

  const slow = await run(
    { ROUTELAB_PROMOTE_TIMEOUT: '0.5', ROUTELAB_PROMOTE_COMMAND: 'node -e "setInterval(() => {}, 1000)"' },
    'promote',
    id,
  );
  expect(slow).toMatchObject({
    code: 1,
    err: expect.stringMatching(/promote failed \(version 1 of support-router stays active\): .* timed out after 0\.5 s/),
  });
  expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  expect(await activeVersions(store)).toEqual([1]);

  const envFile = join(dir, 'env.json');
  const dump = `node -e "require('fs').writeFileSync(process.argv[1], JSON.stringify(process.env))" ${envFile}`;
  const ok = await run(
    { ...secrets, DEPLOY_TOKEN: 'tok', ROUTELAB_PROMOTE_ENV: 'DEPLOY_TOKEN', ROUTELAB_PROMOTE_COMMAND: dump },
    'promote',
    id,
  );
  expect(ok).toMatchObject({ code: 0, out: expect.stringContaining('deploy command: ok') });
  const seen = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
  expect(Object.keys(seen).filter((k) => k in secrets)).toEqual([]);
  expect(JSON.stringify(seen)).not.toMatch(/hunter2|sk-canary/);
  expect(seen).toMatchObject({ DEPLOY_TOKEN: 'tok', ROUTELAB_PROMOTE_FILE: join(out, exportFileName(POLICY, 3, 'yaml')) });
  // Versions 2 (timed out) and 3 (deployed): only 3 is active, only its file exists.
  expect(await activeVersions(store)).toEqual([3]);
  expect(readdirSync(out)).toEqual([exportFileName(POLICY, 3, 'yaml')]);
  await expectChecked(store);
});

it('rollback deploys through the same path and skips a version whose promotion failed', async () => {
  const { store, out, id, run } = await setup();
  expect((await run({}, 'approve', id)).code).toBe(0);
  expect((await run({ ROUTELAB_PROMOTE_COMMAND: 'node -e "process.exit(4)"' }, 'promote', id)).code).toBe(1);
  expect((await run({ ROUTELAB_PROMOTE_COMMAND: 'node -e ""' }, 'promote', id)).code).toBe(0);
  expect(await activeVersions(store)).toEqual([3]);

  // Rollback deploys through the same path and skips version 2, which was never deployed.
  const back = await run({ ROUTELAB_PROMOTE_COMMAND: 'node -e ""' }, 'rollback', '-n', POLICY);
  expect(back).toMatchObject({ code: 0, out: expect.stringContaining(`rolled back ${POLICY}: v3 → v1 (active)`) });
  expect(back.out).toContain('deploy command: ok');
  expect(await activeVersions(store)).toEqual([1]);
  expect(readdirSync(out).sort()).toEqual([exportFileName(POLICY, 1, 'yaml'), exportFileName(POLICY, 3, 'yaml')].sort());
  await expectChecked(store);
});

it('export names never collide, and differ for each (policy, version)', () => {
  const names = ['支持', '助手', 'a b', 'a/b', 'a_b', `${'x'.repeat(80)}1`, `${'x'.repeat(80)}2`, '../etc/passwd'];
  const files = names.map((n) => exportFileName(n, 2, 'yaml'));
  expect(new Set(files).size).toBe(names.length);
  for (const f of files) expect(f).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*-[0-9a-f]{12}-v2\.yaml$/);
  expect(exportFileName('a b', 3, 'yaml')).not.toBe(exportFileName('a b', 2, 'yaml'));
});

it('-n wins on import, a removed policy keeps its history, and a printed id prefix names its proposal', async () => {
  const { store, dir, id, run } = await setup();
  const file = join(dir, 'pk.json');
  writeFileSync(
    file,
    JSON.stringify({ 'x-routelab': { name: POLICY }, strategy: { mode: 'single' }, targets: [{ override_params: { model: 'model-c' } }] }),
  );
  const imp = await run({}, 'policy', 'import', '--format', 'portkey', '-f', file, '-n', 'fresh');
  expect(imp).toMatchObject({ code: 0, out: expect.stringContaining('imported fresh version 1 (active)') });
  expect(await activeVersions(store)).toEqual([1, 1]);
  const support = await store.rows<{ n: number }>(
    sql`select count(*)::int as n from policy_versions v join policies p on p.id = v.policy_id where p.name = ${POLICY}`,
  );
  expect(Number(support[0]?.n)).toBe(1);

  expect(await run({}, 'policy', 'remove', '-n', 'fresh')).toMatchObject({ code: 0, out: expect.stringContaining('versions are kept') });
  const history = await run({}, 'policy', 'history', '-n', 'fresh', '--json');
  expect(history.code).toBe(0);
  expect((JSON.parse(history.out) as unknown[]).length).toBe(1);

  const prefix = id.slice(0, 8);
  expect(await run({}, 'approve', prefix)).toMatchObject({ code: 0, out: expect.stringContaining(`approved ${id}`) });
  expect(await run({}, 'approve', 'zz-none')).toMatchObject({ code: 2, err: expect.stringContaining('not found') });
  await expectChecked(store);
});
