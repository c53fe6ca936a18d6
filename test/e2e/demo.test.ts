import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { spawnCli } from '../helpers/cli-bin.js';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The demo as a user runs it in a pipe: a child process, no TTY, its own data dir and cwd. */
function demo(dir: string, args: string[] = []): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(['demo', '--json', ...args], {
      cwd: dir,
      env: { ...process.env, ROUTELAB_DATA_DIR: join(dir, 'db'), DATABASE_URL: '', REDIS_URL: '', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface DemoJson {
  run: { run_id: string; status: string; variants: Array<{ name: string; cases: number }> };
  sample: { name: string; size: number };
  traffic: { imported: number; duplicates: number };
  proposal: {
    proposal_id: string;
    status: string;
    holdout: { quality: number; cost_per_1k: number };
    baseline: { quality: number; cost_per_1k: number };
    holdout_diff: { mean: number };
  };
  report: string;
}

const dir = mkdtempSync(join(tmpdir(), 'routelab-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('routelab demo (non-interactive)', () => {
  // The demo is the whole nightly loop (import 2,400 lines, 600 cases × 6 models, 3 variants,
  // proposal, report) and is meant to take about a minute: this test is that minute, twice.
  it('runs end to end, proposes a policy that beats the current one on the holdout, and runs again', { timeout: 300_000 }, async () => {
    const first = await demo(dir);
    expect(first.code, first.stderr).toBe(0);
    const a = JSON.parse(first.stdout) as DemoJson;

    expect(a.run.status).toBe('completed');
    expect(a.run.variants.map((v) => v.name)).toEqual(['support-assistant', 'support-assistant-cheap', 'support-assistant-by-intent']);
    expect(a.proposal.status).toBe('pending');
    expect(a.proposal.holdout_diff.mean).toBeGreaterThan(0);
    expect(a.proposal.holdout.quality).toBeGreaterThan(a.proposal.baseline.quality);
    expect(a.proposal.holdout.cost_per_1k).toBeLessThan(a.proposal.baseline.cost_per_1k);
    expect(existsSync(isAbsolute(a.report) ? a.report : join(dir, a.report))).toBe(true);
    // Progress goes to stderr, one line per step.
    expect(first.stderr).toMatch(/\[9\/9\] write the report/);

    // Running it again works: nothing is imported twice, and it is a new run over the same sample.
    const second = await demo(dir);
    expect(second.code, second.stderr).toBe(0);
    const b = JSON.parse(second.stdout) as DemoJson;
    expect(b.traffic.imported).toBe(0);
    expect(b.traffic.duplicates).toBe(a.traffic.imported);
    expect(b.run.run_id).not.toBe(a.run.run_id);
    expect(b.sample.size).toBe(a.sample.size);

    // Every variant has a result for every sampled case: checked in the store itself.
    const store = await openStore({ dataDir: join(dir, 'db') });
    try {
      for (const runId of [a.run.run_id, b.run.run_id]) {
        const [sampled] = await store.rows<{ n: number }>(
          sql`select count(*)::int as n from sample_items si join samples s on s.id = si.sample_id where s.name = ${a.sample.name}`,
        );
        const [cases] = await store.rows<{ n: number }>(sql`select count(*)::int as n from run_cases where run_id = ${runId}`);
        expect(cases?.n).toBe(sampled?.n);
        const perVariant = await store.rows<{ idx: number; n: number; failed: number }>(
          sql`select v.idx, count(r.case_id)::int as n, count(r.failure)::int as failed
              from run_variants v left join variant_results r on r.run_id = v.run_id and r.variant_idx = v.idx
              where v.run_id = ${runId} group by v.idx order by v.idx`,
        );
        expect(perVariant.map((v) => v.idx)).toEqual([0, 1, 2]);
        for (const v of perVariant) expect({ idx: v.idx, n: v.n, failed: v.failed }).toEqual({ idx: v.idx, n: sampled?.n, failed: 0 });
      }
      const [proposals] = await store.rows<{ n: number }>(sql`select count(*)::int as n from proposals where status = 'pending'`);
      expect(proposals?.n).toBeGreaterThanOrEqual(1);
    } finally {
      await store.close();
    }
  });
});
