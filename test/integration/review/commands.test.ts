import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { parse } from 'yaml';
import { main } from '../../../src/cli/main.js';
import { splitCommand } from '../../../src/app/deploy-command.js';
import { listPromotions } from '../../../src/store/repos/promotion-repo.js';
import { policyVersions } from '../../../src/store/schema/policy.js';
import { proposals } from '../../../src/store/schema/proposals.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';
import { testContext } from './cli-context.js';
import { dropRules, POLICY, seedReview } from './seed.js';
import { exportFileName } from '../../../src/app/export-name.js';

const argv = (...args: string[]) => ['node', 'routelab', ...args];

describe('review commands', () => {
  let store: TestStore | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await store?.cleanup();
    store = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  beforeEach(async () => {
    store = await openTestStore('pglite');
  });

  async function setup(env: NodeJS.ProcessEnv = {}, options: { rules?: boolean } = {}) {
    dir = mkdtempSync(join(tmpdir(), 'routelab-promote-'));
    const seeded = await seedReview(store!.db);
    if (!options.rules) await dropRules(store!.db, seeded.proposalIds[0]!);
    return { seeded, ctx: () => testContext(store!, { ROUTELAB_PROMOTE_DIR: dir, ...env }) };
  }

  async function activeVersion(policyId: number) {
    const rows = await store!.db
      .select()
      .from(policyVersions)
      .where(and(eq(policyVersions.policyId, policyId), eq(policyVersions.isActive, true)));
    return rows.map((r) => r.version);
  }

  it('approve then promote: new active version, watsonx YAML in the sink, who/when/comment recorded', async () => {
    const { seeded, ctx } = await setup({ ROUTELAB_USER: 'env-user' });
    const id = seeded.proposalIds[0]!;
    const a = ctx();
    expect(await main(argv('approve', id, '--comment', 'numbers hold up'), a)).toBe(0);
    expect(a.out()).toContain(`approved ${id} by env-user at 2026-11-21T09:00:00.000Z`);
    const p = ctx();
    expect(await main(argv('promote', id, '--as', 'bob'), p)).toBe(0);
    expect(p.out()).toContain(`promoted ${id}: ${POLICY} v1 → v2 (active)`);
    const file = join(dir!, exportFileName(POLICY, 2, 'yaml'));
    expect(p.out()).toContain(`export: ${file}`);
    const exported = parse(readFileSync(file, 'utf8'));
    expect(exported).toMatchObject({ spec_version: 'v1', kind: 'model', name: POLICY });
    expect(exported.policy.targets).toEqual([
      { model_name: 'model-a', weight: 0.8 },
      { model_name: 'model-b', weight: 0.2 },
    ]);
    expect(await activeVersion(seeded.policyId)).toEqual([2]);
    const [row] = await store!.db.select().from(proposals).where(eq(proposals.id, id));
    expect(row).toMatchObject({ status: 'promoted', decidedBy: 'env-user', comment: 'numbers hold up' });
    const [promo] = await listPromotions(store!.db);
    expect(promo).toMatchObject({ kind: 'promote', actor: 'bob', fromVersion: 1, toVersion: 2, exports: [file] });
  });

  it('runs the configured import command with the exported file, without a shell', async () => {
    const marker = join(tmpdir(), `routelab-cmd-${process.pid}-${Date.now()}.txt`);
    const command = `node -e "require('fs').copyFileSync(process.argv[1], process.argv[2])" {file} '${marker}'`;
    const { seeded, ctx } = await setup({ ROUTELAB_PROMOTE_COMMAND: command });
    const id = seeded.proposalIds[0]!;
    expect(await main(argv('approve', id), ctx())).toBe(0);
    const p = ctx();
    expect(await main(argv('promote', id), p)).toBe(0);
    expect(p.out()).toContain('deploy command: ok');
    expect(readFileSync(marker, 'utf8')).toContain('model_name: model-a');
    rmSync(marker, { force: true });
  });

  it('a failing deploy command activates nothing, leaves no export, and says so', async () => {
    const { seeded, ctx } = await setup({ ROUTELAB_PROMOTE_COMMAND: `node -e "console.error('quota exceeded'); process.exit(3)" {file}` });
    const id = seeded.proposalIds[0]!;
    expect(await main(argv('approve', id), ctx())).toBe(0);
    const p = ctx();
    expect(await main(argv('promote', id), p)).toBe(1);
    expect(p.err()).toMatch(/promote failed \(version 1 of support-router stays active\): `node -e .*` exited with 3: quota exceeded/);
    expect(readdirSync(dir!)).toEqual([]);
    expect(await activeVersion(seeded.policyId)).toEqual([1]);
    const [row] = await store!.db.select().from(proposals).where(eq(proposals.id, id));
    expect(row?.status).toBe('approved');
    const history = await listPromotions(store!.db);
    expect(history.map((h) => [h.kind, h.state])).toEqual([['promote', 'failed']]);
  });

  it('refuses bad input with exit 2, naming the argument', async () => {
    const { seeded, ctx } = await setup();
    const id = seeded.proposalIds[0]!;
    const f = ctx();
    expect(await main(argv('promote', id, '--format', 'yamlish'), f)).toBe(2);
    expect(f.err()).toMatch(/--format: "yamlish" is not one of watsonx, .*portkey, litellm, orq/);
    const n = ctx();
    expect(await main(argv('approve', 'prop_nope'), n)).toBe(2);
    expect(n.err()).toContain('proposal "prop_nope" not found');
    const r = ctx();
    expect(await main(argv('rollback', '-n', POLICY, '--to', 'two'), r)).toBe(2);
    expect(r.err()).toContain('--to: "two" is not a whole number');
  });

  it('--format picks the export; one that cannot express the policy is refused before anything changes', async () => {
    const { seeded, ctx } = await setup({}, { rules: true });
    const id = seeded.proposalIds[0]!;
    await main(argv('approve', id), ctx());
    // watsonx has no rules: refused by field name before anything is activated.
    const watsonx = ctx();
    expect(await main(argv('promote', id), watsonx)).toBe(2);
    expect(watsonx.err()).toContain('policy.rules');
    // Portkey has no per-segment rules outside mode conditional: exit 2 naming the field, no change.
    const portkey = ctx();
    expect(await main(argv('promote', id, '--format', 'portkey'), portkey)).toBe(2);
    expect(portkey.err()).toContain('--format portkey: this policy cannot be written as portkey');
    expect(portkey.err()).toContain('policy.rules');
    expect(await activeVersion(seeded.policyId)).toEqual([1]);
    expect(await listPromotions(store!.db)).toEqual([]);
    expect(readdirSync(dir!)).toEqual([]);
    await dropRules(store!.db, id);
    const json = ctx();
    expect(await main(argv('promote', id, '--format', 'watsonx-json'), json)).toBe(0);
    expect(JSON.parse(readFileSync(join(dir!, exportFileName(POLICY, 2, 'json')), 'utf8'))).toMatchObject({
      spec_version: 'v1',
      name: POLICY,
    });
  });

  it('promoting a pending or stale proposal exits 1 with the reason', async () => {
    const { seeded, ctx } = await setup();
    const id = seeded.proposalIds[0]!;
    const pending = ctx();
    expect(await main(argv('promote', id), pending)).toBe(1);
    expect(pending.err()).toContain('is pending: approve it first');
    expect(await main(argv('approve', id), ctx())).toBe(0);
    expect(await main(argv('promote', id), ctx())).toBe(0);
    const again = ctx();
    expect(await main(argv('promote', id), again)).toBe(1);
    expect(again.err()).toMatch(/error: stale: proposal .* is promoted/);
    expect(existsSync(join(dir!, exportFileName(POLICY, 3, 'yaml')))).toBe(false);
  });

  it('rollback -n makes the previous version active and records it', async () => {
    const { seeded, ctx } = await setup();
    const id = seeded.proposalIds[0]!;
    await main(argv('approve', id), ctx());
    await main(argv('promote', id), ctx());
    const r = ctx();
    expect(await main(argv('rollback', '-n', POLICY, '--as', 'ops', '--comment', 'error spike'), r)).toBe(0);
    expect(r.out()).toContain(`rolled back ${POLICY}: v2 → v1 (active)`);
    expect(await activeVersion(seeded.policyId)).toEqual([1]);
    const [h] = await listPromotions(store!.db);
    expect(h).toMatchObject({ kind: 'rollback', actor: 'ops', comment: 'error spike', fromVersion: 2, toVersion: 1 });
  });

  it('dashboard without a TTY prints the same content as plain tables and exits', async () => {
    const { ctx } = await setup();
    const c = ctx();
    expect(await main(argv('dashboard'), c)).toBe(0);
    const out = c.out();
    expect(out).toContain('== Runs');
    expect(out).toMatch(/2026-11-20 02:00\s+support-router\s+completed\s+100\.0%\s+\$0\.42\s+● waiting/);
    expect(out).toContain('-- Scoreboard');
    expect(out).toContain('-- Variants');
    expect(out).toContain('-- Chart');
    expect(out).toContain('== Proposal prop_run_0001_0 (pending)');
    expect(out).toContain('-- Diff');
    expect(out).toContain('next: routelab approve prop_run_0001_0');
    expect(out).toContain('== Promotions');
    expect(out).not.toMatch(/\x1b/);
  });

  it('proposals list and show: read-only views of what waits for review', async () => {
    const { seeded, ctx } = await setup();
    const id = seeded.proposalIds[0]!;
    const l = ctx();
    expect(await main(argv('proposals', 'list'), l)).toBe(0);
    expect(l.out()).toMatch(new RegExp(`${id}\\s+support-router\\s+v1\\s+pending\\s+—\\s+2026-11-20 03:00`));
    const j = ctx();
    expect(await main(argv('proposals', 'list', '--status', 'approved', '--json'), j)).toBe(0);
    expect(JSON.parse(j.out())).toEqual([]);
    const bad = ctx();
    expect(await main(argv('proposals', 'list', '--status', 'maybe'), bad)).toBe(2);
    expect(bad.err()).toContain('--status: "maybe" is not one of pending');
    const s = ctx();
    expect(await main(argv('proposals', 'show', id), s)).toBe(0);
    expect(s.out()).toContain('-- Weights');
    expect(s.out()).toMatch(/^\+\s+weight: 0\.8$/m);
  });

  it('splits a command line like a shell would, without running one', () => {
    expect(splitCommand(`orchestrate models policy import --file {file}`)).toEqual([
      'orchestrate',
      'models',
      'policy',
      'import',
      '--file',
      '{file}',
    ]);
    expect(splitCommand(`a "b c" 'd $HOME' e\\ f ""`)).toEqual(['a', 'b c', 'd $HOME', 'e f', '']);
    expect(() => splitCommand(`a "b`)).toThrow(/unbalanced/);
  });
});
