import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../../src/cli/main.js';
import { createContext, type CliContext } from '../../../src/cli/context.js';
import { proposeForRun } from '../../../src/app/propose-run.js';
import { checkPolicySpec } from '../../../src/policy/index.js';
import { getProposal, listProposals } from '../../../src/store/repos/proposal-repo.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../../helpers/stores.js';
import { seedRun } from './seed-run.js';

function sink(push: (s: string) => void): Writable {
  return new Writable({
    write(chunk, _enc, done) {
      push(String(chunk));
      done();
    },
  });
}

describe.each(STORE_KINDS)('proposals on %s', (kind) => {
  let store: TestStore;
  let runId: string;

  beforeEach(async () => {
    store = await openTestStore(kind);
    ({ runId } = await seedRun(store.db));
  });
  afterEach(async () => {
    await store.cleanup();
  });

  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const base = createContext({ env: {}, stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) });
    // The CLI runs on the test's store; closing it is the test's job.
    const ctx: CliContext = { ...base, store: async () => store, close: async () => {} };
    const code = await main(['node', 'routelab', ...args], ctx);
    return { code, stdout, stderr };
  }

  it('stores one proposal per run and options, and gives the same one back', async () => {
    const first = await proposeForRun(store.db, runId, { max_cost_ratio: 0.5, segment_by: 'eval_name' });
    expect(first.created).toBe(true);
    expect(first.proposal.status).toBe('pending');
    expect(checkPolicySpec(first.proposal.policy).ok).toBe(true);
    expect(first.proposal.holdout.cost_per_1k).toBeLessThan(first.proposal.baseline.cost_per_1k * 0.55);

    const again = await proposeForRun(store.db, runId, { segment_by: 'eval_name', max_cost_ratio: 0.5 });
    expect(again.created).toBe(false);
    expect(again.proposal).toEqual(first.proposal);

    const other = await proposeForRun(store.db, runId, { max_cost_ratio: 0.25 });
    expect(other.proposal.proposal_id).not.toBe(first.proposal.proposal_id);
    expect((await listProposals(store.db, { runId })).map((p) => p.proposal_id).sort()).toEqual(
      [first.proposal.proposal_id, other.proposal.proposal_id].sort(),
    );
    expect(await listProposals(store.db, { status: 'approved' })).toEqual([]);
    expect((await getProposal(store.db, first.proposal.proposal_id))?.rationale).toEqual(first.proposal.rationale);
  });

  it('`propose --json` prints only the contract JSON; bad flags exit 2 naming the flag', async () => {
    const out = await cli(['propose', '--run', runId, '--max-cost-per-1k', '2', '--segment-by', 'eval_name', '--json']);
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['proposal_id', 'status', 'policy', 'train', 'holdout', 'baseline', 'rationale']),
    );
    expect(Object.keys(json.holdout as object).sort()).toEqual(['cost_per_1k', 'p95_ms', 'quality', 'quality_ci']);
    expect((json.rationale as string[]).length).toBeGreaterThan(2);

    const both = await cli(['propose', '--run', runId, '--max-cost-ratio', '0.5', '--max-cost-per-1k', '2']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--max-cost-ratio/);
    const missing = await cli(['propose', '--run', 'run_nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/run_nope/);
    const field = await cli(['propose', '--run', runId, '--segment-by', 'intent']);
    expect(field.code).toBe(2);
    expect(field.stderr).toMatch(/--segment-by.*eval_name/s);
  });

  it('per-request proposals: fields named as everywhere, honest JSON, and a frontier chart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-frontier-'));
    try {
      const out = await cli([
        'propose',
        '--run',
        runId,
        '--max-cost-ratio',
        '0.5',
        '--segment-by',
        'metadata.eval_name',
        '--per-request',
        '--confidence',
        '0.9',
        '--frontier',
        '-o',
        dir,
        '--json',
      ]);
      expect(out.code, out.stderr).toBe(0);
      const json = JSON.parse(out.stdout) as Record<string, unknown> & {
        constraint: Record<string, unknown>;
        rules: Array<Record<string, unknown>>;
        frontier: { rows: unknown[] };
      };
      expect(typeof json.recommended).toBe('boolean');
      expect(json.recommended).toBe(json.status === 'pending');
      expect(json.reason === null).toBe(json.recommended);
      expect(json.constraint).toMatchObject({ kind: 'max_cost', level: 0.9 });
      expect(json.constraint.target as number).toBeLessThanOrEqual(json.constraint.bound as number);
      expect(json.rules.length).toBeGreaterThan(0);
      for (const r of json.rules) expect(Object.keys(r).sort()).toEqual(['holdout', 'mix', 'name', 'train', 'when']);
      expect(json.frontier.rows).toHaveLength(6);
      expect(readFileSync(join(dir, 'frontier.svg'), 'utf8')).toMatch(/^<svg[^]*<\/svg>\n$/);
      expect(readFileSync(join(dir, 'frontier.md'), 'utf8')).toMatch(/## Quality\/cost frontier/);
      // The same options again: the stored proposal, printed for a person within 80 columns.
      const human = await cli([
        'propose',
        '--run',
        runId,
        '--max-cost-ratio',
        '0.5',
        '--segment-by',
        'metadata.eval_name',
        '--per-request',
        '--confidence',
        '0.9',
      ]);
      expect(human.code).toBe(0);
      for (const line of human.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
      expect(human.stdout).toMatch(/Constraint: cost ≤ \$[\d.]+ per 1k requests with 90\.0% confidence/);
      const report = await cli(['report', runId, '-o', dir]);
      expect(report.code).toBe(0);
      expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/## Quality\/cost frontier of proposals[^]*frontier\.md/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('human output fits 80 columns; a change limit and a no-gain case are explained', async () => {
    const out = await cli(['propose', '--run', runId, '--max-change', '0.1']);
    expect(out.code).toBe(0);
    for (const line of out.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(out.stdout).toMatch(/Change limited to 10\.0% of requests/);

    // Demanding quality no model reaches: nothing to recommend, and the reason says why.
    const none = await proposeForRun(store.db, runId, { min_quality: 0.99 });
    expect(none.proposal.status).toBe('no_change');
    expect(none.proposal.rationale.at(-1)).toMatch(/No change recommended: .*under the floor/);
  });

  it('`report` writes report.md and well-formed SVGs', async () => {
    await proposeForRun(store.db, runId, { max_cost_ratio: 0.5, segment_by: 'eval_name' });
    const dir = mkdtempSync(join(tmpdir(), 'rl-report-'));
    try {
      const out = await cli(['report', runId, '-o', dir]);
      expect(out.code).toBe(0);
      const report = readFileSync(join(dir, 'report.md'), 'utf8');
      expect(report).toMatch(/## Variants/);
      expect(report).toMatch(/## Segments by eval\\_name/);
      expect(report).toMatch(/## Proposals/);
      expect(existsSync(join(dir, 'quality-cost.svg'))).toBe(true);
      expect(existsSync(join(dir, 'proposal-1.svg'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
