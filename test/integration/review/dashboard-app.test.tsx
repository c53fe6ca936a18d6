import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { cleanup, render } from 'ink-testing-library';
import { dashboardActions } from '../../../src/app/dashboard-actions.js';
import { DashboardApp } from '../../../src/dashboard/app.js';
import { createStoreSource } from '../../../src/dashboard/data/store-source.js';
import { proposals } from '../../../src/store/schema/proposals.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';
import { testContext } from './cli-context.js';
import { dropRules, seedReview } from './seed.js';
import { HANG_MS } from '../../helpers/waits.js';

/** The whole Ink app over a real store: keys in, frames out, decisions in the database. */

type Rendered = ReturnType<typeof render>;

/** The first frame showing `text` (a condition, polled; the last frame is in the failure). */
function waitFor(r: Rendered, text: string, ms = HANG_MS): Promise<string> {
  return vi.waitFor(
    () => {
      const frame = r.lastFrame() ?? '';
      if (!frame.includes(text)) throw new Error(`waiting for "${text}"; frame was:\n${frame}`);
      return frame;
    },
    { timeout: ms, interval: 25 },
  );
}

describe('dashboard app over PGlite', () => {
  let store: TestStore | undefined;
  let dir: string | undefined;
  beforeEach(async () => {
    store = await openTestStore('pglite');
  });
  afterEach(async () => {
    cleanup();
    await store?.cleanup();
    store = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function app(actor: string) {
    const ctx = testContext(store!, { ROUTELAB_PROMOTE_DIR: dir });
    return render(
      <DashboardApp
        source={createStoreSource(store!.db)}
        actions={dashboardActions(ctx, actor)}
        size={{ columns: 80, rows: 24 }}
        color={false}
        pollMs={200}
      />,
    );
  }

  it('enter, enter, a + comment + y approves; p + y promotes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'routelab-app-'));
    const seeded = await seedReview(store!.db);
    const id = seeded.proposalIds[0]!;
    await dropRules(store!.db, id);
    const r = app('ink-user');
    await waitFor(r, '● waiting');
    r.stdin.write('\r');
    await waitFor(r, '[Scoreboard]');
    r.stdin.write('\r');
    await waitFor(r, '[Weights]');
    r.stdin.write('a');
    await waitFor(r, 'comment (⏎ next, esc cancel)');
    r.stdin.write('fine by me');
    await waitFor(r, 'fine by me▌');
    r.stdin.write('\r');
    await waitFor(r, '? [y/n]');
    r.stdin.write('y');
    await waitFor(r, 'status: approved');
    const [approved] = await store!.db.select().from(proposals).where(eq(proposals.id, id));
    expect(approved).toMatchObject({ status: 'approved', decidedBy: 'ink-user', comment: 'fine by me' });
    r.stdin.write('p');
    await waitFor(r, `promote ${id}? [y/n]`);
    r.stdin.write('y');
    const f = await waitFor(r, 'status: promoted');
    expect(f).toContain('→ v2');
  });

  it('two reviewers in two dashboards approve at once: one wins, the other sees why it lost', async () => {
    dir = mkdtempSync(join(tmpdir(), 'routelab-app-'));
    await seedReview(store!.db);
    const alice = app('alice');
    const bob = app('bob');
    for (const r of [alice, bob]) {
      await waitFor(r, '● waiting');
      r.stdin.write('a');
      await waitFor(r, 'comment (⏎ next, esc cancel)');
      r.stdin.write('\r');
      await waitFor(r, '? [y/n]');
    }
    alice.stdin.write('y');
    bob.stdin.write('y');
    const frames = await Promise.all([alice, bob].map((r) => waitFor(r, ' approved').then(() => r)));
    const won = frames.filter((r) => /✓ approved/.test(r.lastFrame() ?? ''));
    const lost = frames.filter((r) => /✗ stale: proposal \S+ is approved by (alice|bob) now/.test(r.lastFrame() ?? ''));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
  });
});
