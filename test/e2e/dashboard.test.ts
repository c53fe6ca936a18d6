import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { openStore } from '../../src/store/db.js';
import { listPromotions } from '../../src/store/repos/promotion-repo.js';
import { policyVersions } from '../../src/store/schema/policy.js';
import { proposals } from '../../src/store/schema/proposals.js';
import { cliShellCommand, ROOT } from '../helpers/cli-bin.js';
import { createTestDatabase } from '../helpers/stores.js';
import { exportFileName } from '../../src/app/export-name.js';
import { dropRules, POLICY, seedReview } from '../integration/review/seed.js';

/**
 * The real binary in a real pseudo-terminal (tmux, 80×24): open the run, open its proposal,
 * approve with a comment, promote, and check what a user would check afterwards.
 */

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('routelab dashboard in a terminal', () => {
  let session: string | undefined;
  let dir: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  afterEach(async () => {
    if (session) {
      try {
        tmux('kill-session', '-t', session);
      } catch {
        // already gone
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    await dropDb?.();
    session = dir = undefined;
    dropDb = undefined;
  });

  const screen = () => tmux('capture-pane', '-p', '-t', session as string);

  /** Poll the pane until `text` shows up; bounded, so a hang fails with the last screen. */
  async function waitFor(text: string | RegExp, ms = 20_000): Promise<string> {
    const until = Date.now() + ms;
    let last = '';
    while (Date.now() < until) {
      last = screen();
      if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${String(text)}; screen was:\n${last}`);
  }

  const keys = (...k: string[]) => tmux('send-keys', '-t', session as string, ...k);
  const type = (text: string) => tmux('send-keys', '-t', session as string, '-l', text);

  it('approve with a comment, then promote: new active version and the export file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'routelab-e2e-'));
    const outDir = join(dir, 'promoted');
    // A throwaway Postgres database: the binary reads it through DATABASE_URL exactly as it would
    // read .routelab/ (same schema, same repositories), and it opens in a fraction of PGlite's time.
    const database = await createTestDatabase({ migrated: true });
    dropDb = database.drop;
    const seedStore = await openStore({ url: database.url, max: 2 });
    const seeded = await seedReview(seedStore.db);
    const proposalId = seeded.proposalIds[0] as string;
    // Promotion exports watsonx YAML, which has no rules: this proposal is weights only.
    await dropRules(seedStore.db, proposalId);
    await seedStore.close();

    session = `rl-e2e-${process.pid}-${Date.now()}`;
    const env = `DATABASE_URL=${quote(database.url)} ROUTELAB_DATA_DIR=${quote(join(dir, 'unused-db'))} ROUTELAB_PROMOTE_DIR=${quote(outDir)} ROUTELAB_USER=e2e-reviewer`;
    // A person at a terminal: no CI variables (Ink, through is-in-ci, draws nothing live when CI is set).
    const ciVars = Object.keys(process.env).filter((k) => k === 'CI' || k === 'CONTINUOUS_INTEGRATION');
    const unset = ciVars.map((k) => `-u ${k}`).join(' ');
    const command = `cd ${quote(ROOT)} && env ${unset} ${env} ${cliShellCommand()} dashboard; echo "EXIT:$?"; sleep 600`;
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', command);

    const runs = await waitFor('● waiting');
    expect(runs).toContain('routelab · Runs');
    expect(runs).toMatch(/› 2026-11-20 02:00\s+support-router\s+completed/);

    keys('Enter');
    const detail = await waitFor('[Scoreboard]');
    expect(detail).toMatch(/model-a\s+all\s+40\s+0\.\d{3}±0\.\d{3}/);
    // One key per send: Ink reads a burst of keys as one chunk of text.
    keys('Tab');
    await waitFor('[Variants]');
    keys('Tab');
    expect(await waitFor('[Chart]')).toContain('cost per 1k requests');

    keys('Enter');
    const proposal = await waitFor('[Weights]');
    expect(proposal).toMatch(/model-a\s+█+░+\s+50%\s+█+░+\s+80%\s+\+30\.0pp/);

    keys('a');
    await waitFor('comment (⏎ next, esc cancel)');
    type('ship it');
    await waitFor('ship it▌');
    keys('Enter');
    await waitFor(`approve ${proposalId} “ship it”? [y/n]`);
    keys('y');
    await waitFor(`✓ approved ${proposalId} as e2e-reviewer`);
    await waitFor('status: approved');

    keys('p');
    await waitFor(`promote ${proposalId}? [y/n]`);
    keys('y');
    await waitFor('✓ promoted: support-router v1 → v2');
    await waitFor('status: promoted');

    keys('Escape');
    await waitFor('routelab · Run detail');
    keys('Escape');
    await waitFor('routelab · Runs');
    keys('Tab');
    const promotions = await waitFor('history of support-router');
    expect(promotions).toMatch(/promote\s+v1 → v2\s+e2e-reviewer/);

    keys('q');
    await waitFor('EXIT:0');

    const file = join(outDir, exportFileName(POLICY, 2, 'yaml'));
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('weight: 0.8');
    const store = await openStore({ url: database.url, max: 2 });
    try {
      const active = await store.db
        .select()
        .from(policyVersions)
        .where(and(eq(policyVersions.policyId, seeded.policyId), eq(policyVersions.isActive, true)));
      expect(active.map((v) => [v.version, v.origin])).toEqual([[2, 'promote']]);
      const [p] = await store.db.select().from(proposals).where(eq(proposals.id, proposalId));
      expect(p).toMatchObject({ status: 'promoted', decidedBy: 'e2e-reviewer', comment: 'ship it' });
      const [promo] = await listPromotions(store.db);
      expect(promo).toMatchObject({ kind: 'promote', actor: 'e2e-reviewer', exports: [file] });
    } finally {
      await store.close();
    }
  });
});
