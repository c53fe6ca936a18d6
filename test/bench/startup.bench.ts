/**
 * Start-up (issue 19), the compiled binary as a user runs it, each against a baseline timed in the
 * same run, best of N with the two sides alternating (so a burst of load hits both):
 *  - `routelab --help` within 3× of `node -e 0` (a bare Node start);
 *  - `routelab policy list` on a migrated embedded store within 1.5× of a bare script that opens the
 *    same store with PGlite and runs `select 1` (PGlite's own open is the floor).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import buildDist from '../helpers/build-dist.js';
import { BIN, ROOT } from '../helpers/cli-bin.js';
import { result, type BenchResult } from './harness.js';

const ROUNDS = Number(process.env.BENCH_STARTUP_ROUNDS ?? 7);
const BASELINE_SCRIPT = fileURLToPath(new URL('./pglite-select.mjs', import.meta.url));

function wallMs(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Best of `rounds` for each side, the two timed one after the other in every round. */
function alternate(rounds: number, a: () => number, b: () => number): { a: number; b: number } {
  let bestA = Infinity;
  let bestB = Infinity;
  for (let i = 0; i < rounds; i++) {
    bestA = Math.min(bestA, a());
    bestB = Math.min(bestB, b());
  }
  return { a: bestA, b: bestB };
}

export default async function bench(): Promise<BenchResult[]> {
  buildDist(); // the binary runs dist/: build it if the sources are newer
  const dir = mkdtempSync(join(tmpdir(), 'routelab-bench-startup-'));
  const env = { ...process.env, ROUTELAB_DATA_DIR: join(dir, 'db'), DATABASE_URL: '', REDIS_URL: '', ROUTELAB_DEBUG: '' };
  try {
    const help = alternate(
      ROUNDS,
      () => wallMs([BIN, '--help'], env),
      () => wallMs(['-e', '0'], env),
    );
    // Create and migrate the store once (not timed); every timed `policy list` finds it migrated.
    wallMs([BIN, 'policy', 'list'], env);
    const list = alternate(
      Math.max(3, Math.ceil(ROUNDS / 2)),
      () => wallMs([BIN, 'policy', 'list', '--json'], env),
      () => wallMs([BASELINE_SCRIPT, join(dir, 'db')], env),
    );
    return [
      result({
        name: 'startup-help',
        value: help.a,
        baseline: help.b,
        ratio: help.a / help.b,
        target: 'ratio <= 3',
        unit: 'ms (wall, best of N)',
        passed: help.a / help.b <= 3,
        details: { command: 'routelab --help', baselineCommand: 'node -e 0', rounds: ROUNDS },
      }),
      result({
        name: 'startup-policy-list',
        value: list.a,
        baseline: list.b,
        ratio: list.a / list.b,
        target: 'ratio <= 1.5',
        unit: 'ms (wall, best of N)',
        passed: list.a / list.b <= 1.5,
        details: { command: 'routelab policy list --json (migrated PGlite store)', baselineCommand: 'PGlite open + select 1 + close' },
      }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
