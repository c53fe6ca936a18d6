import { defineConfig } from 'vitest/config';
import { HANG_MS } from './test/helpers/waits.js';

/**
 * Two projects. `unit` (test/unit): no database, no Redis, no child process, so it runs anywhere and
 * in parallel (`npm run test:unit`). `system`: everything that needs Postgres, Redis, PGlite on disk
 * or the binary; its globalSetup builds dist/ first when the sources are newer, because tests start
 * the compiled binary (test/helpers/cli-bin.ts), not the sources, then migrates one template store
 * of each kind that test stores are copied from (test/helpers/db-templates.ts).
 *
 * Timeouts are hang guards (test/helpers/waits.ts), not speed checks: a system test that takes 10 s
 * on a quiet machine takes several times that beside four CPU hogs on 2 cores.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits on a condition; its 1 s default would be a speed check.
    expect: { poll: { timeout: HANG_MS, interval: 50 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          // Pure code, no mocks, no global state: the files share one module graph per worker instead
          // of each importing its own (import was most of their time).
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'system',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          // Reliability scenarios that take minutes live behind `npm run test:reliability`.
          exclude: ['test/unit/**', 'test/reliability/slow/**', 'node_modules/**'],
          globalSetup: ['test/helpers/build-dist.ts', 'test/helpers/db-templates.ts'],
          testTimeout: HANG_MS + 30_000,
          hookTimeout: 2 * HANG_MS,
        },
      },
    ],
  },
});
