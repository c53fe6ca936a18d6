import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCliProcess } from '../../helpers/cli-bin.js';
import { createTestDatabase } from '../../helpers/stores.js';

const dir = mkdtempSync(join(tmpdir(), 'routelab-compiled-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, ROUTELAB_DATA_DIR: join(dir, 'db'), DATABASE_URL: '', REDIS_URL: '', NO_COLOR: '1' };

/** The package as `npm install` builds it: dist/, run by bin/routelab.js without tsx. */
describe('the compiled package', () => {
  it('prints its help, with every command, and exits 0', async () => {
    const r = await runCliProcess(['--help'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: routelab \[options\] \[command\]/);
    for (const name of ['policy', 'traffic', 'run', 'propose', 'dashboard', 'demo'])
      expect(r.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it("the demo's next steps name the package's own bin/routelab.js, not a path inside dist/", async () => {
    const summary = (await import(
      pathToFileURL(join(ROOT, 'dist/src/demo/demo-summary.js')).href
    )) as typeof import('../../../src/demo/demo-summary.js');
    const result = { proposal: { proposal_id: 'p-1', status: 'pending' }, run: { run_id: 'r-1' } } as unknown as Parameters<
      typeof summary.nextSteps
    >[0];
    const steps = summary.nextSteps(result, ROOT, () => true);
    const commands = steps.split('\n').filter((l) => l.trim().startsWith('node '));
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) expect(c.trim().split(' ')[1]).toBe(join('bin', 'routelab.js'));
  });

  it('finds its migrations from dist/: a fresh database is migrated and lists no policies', async () => {
    // Postgres rather than a fresh PGlite directory: the same migrations, in a fraction of the time.
    const database = await createTestDatabase();
    try {
      const r = await runCliProcess(['policy', 'list', '--json'], { env: { ...env, DATABASE_URL: database.url }, cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([]);
    } finally {
      await database.drop();
    }
  });

  it('calls an unknown command bad input (exit 2)', async () => {
    const r = await runCliProcess(['no-such-command'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command/);
  });

  it('starts its import worker threads from the compiled JavaScript', async () => {
    const { RowsPool } = (await import(
      pathToFileURL(join(ROOT, 'dist/src/traffic/fast-path/rows-pool.js')).href
    )) as typeof import('../../../src/traffic/fast-path/rows-pool.js');
    const pool = new RowsPool(1, { format: 'openai-chat', redactPatterns: [], importId: 1 });
    try {
      await pool.started();
      const line = JSON.stringify({
        timestamp: '2026-11-20T08:00:00Z',
        request: { model: 'm', messages: [{ role: 'user', content: 'hello' }] },
        response: { model: 'm', choices: [{ message: { role: 'assistant', content: 'hi' } }] },
      });
      const out = await pool.run([{ line: 1, buf: Buffer.from(line) }], { fallbackTimestamp: '2026-11-20T00:00:00.000Z' });
      expect({ rows: out.rows, bad: out.bad }).toEqual({ rows: 1, bad: [] });
    } finally {
      await pool.close();
    }
  });
});
