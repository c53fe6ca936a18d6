/**
 * `routelab trends` over a year of nightlies against `routelab runs list` over the same store, both
 * through the in-process CLI (flags parsed, JSON printed). The store holds 365 finished runs of one
 * policy with their outcomes (4 models × 100 cases each) and their per-run aggregates; trends reads
 * only the aggregates. Target: trends ≤ 2 × runs list (best of 5, alternating).
 */
import postgres from 'postgres';
import { main } from '../../src/cli/main.js';
import { testContext } from '../helpers/cli-context.js';
import { openTestStore } from '../helpers/stores.js';
import { seedDemo } from '../integration/jobs/fixtures.js';
import { result, timeMs, type BenchResult } from './harness.js';

const RUNS = Number(process.env.TRENDS_BENCH_RUNS ?? 365);
const MODELS = ['sim/atlas-large', 'sim/atlas-mini', 'sim/forge-coder', 'sim/sage-reasoner'];
const CASES = 100;

export default async function bench(): Promise<BenchResult> {
  const store = await openTestStore('postgres');
  const raw = postgres(store.url as string, { max: 1, onnotice: () => {} });
  try {
    const demo = await seedDemo(store.db, { goldenCases: 1 });
    const [pv] = await raw<Array<{ policy_id: number; id: number }>>`select policy_id, id from policy_versions limit 1`;
    if (!pv) throw new Error('no policy version');
    const t0 = Date.parse('2025-12-01T02:00:00Z');
    await raw`insert into runs (id, policy_id, base_version_id, source_kind, source_name, status, seed, holdout, pairs, created_at, finished_at)
      select 'r-bench-' || lpad(n::text, 4, '0'), ${pv.policy_id}, ${pv.id}, 'golden', ${demo.golden}, 'completed', 's' || n, 0.3, ${CASES * MODELS.length},
             to_timestamp(${t0 / 1000} + n * 86400), to_timestamp(${t0 / 1000} + n * 86400 + 600)
        from generate_series(1, ${RUNS}) n`;
    await raw`insert into run_outcomes (run_id, case_id, model, status, output, score, pass, cost_usd, latency_ms, source)
      select 'r-bench-' || lpad(n::text, 4, '0'), 'c' || c, m, 200, 'answer ' || c, (c % 10) / 10.0, c % 10 > 5, 0.001, 100 + c, 'call'
        from generate_series(1, ${RUNS}) n, generate_series(1, ${CASES}) c, unnest(${MODELS}::text[]) m`;
    await raw`insert into run_aggregates (run_id, kind, name, policy_id, run_at, n, quality, quality_lo, quality_hi, cost_per_1k, p95_ms, error_rate, error_lo, error_hi)
      select r.id, k.kind, k.name, r.policy_id, r.created_at, ${CASES}, 0.7, 0.65, 0.75, 1.2, 900, 0.01, 0.002, 0.05
        from runs r, (select 'model' as kind, unnest(${MODELS}::text[]) as name union all select 'variant', ${demo.policy}) k`;
    await raw`analyze`;

    const cli = async (args: string[]) => {
      const ctx = testContext(store);
      const code = await main(['node', 'routelab', ...args], ctx);
      if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}: ${ctx.err()}`);
      return ctx.out().length;
    };
    let trendsMs = Number.POSITIVE_INFINITY;
    let listMs = Number.POSITIVE_INFINITY;
    let trendsBytes = 0;
    for (let i = 0; i < 5; i++) {
      listMs = Math.min(listMs, await timeMs(() => cli(['runs', 'list', '--json'])));
      trendsMs = Math.min(trendsMs, await timeMs(async () => (trendsBytes = await cli(['trends', '--policy', demo.policy, '--json']))));
    }
    const ratio = trendsMs / listMs;
    return result({
      name: 'trends-vs-runs-list',
      value: trendsMs,
      baseline: listMs,
      ratio,
      target: 'ratio <= 2',
      unit: 'ms (best of 5)',
      passed: ratio <= 2,
      details: {
        runs: RUNS,
        outcome_rows: RUNS * CASES * MODELS.length,
        aggregate_rows: RUNS * (MODELS.length + 1),
        trends_json_bytes: trendsBytes,
      },
    });
  } finally {
    await raw.end({ timeout: 5 });
    await store.cleanup();
  }
}
