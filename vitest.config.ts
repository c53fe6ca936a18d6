import { defineConfig } from 'vitest/config';

/**
 * Two projects. `unit` (test/unit): no database, no Redis, no child process, so it runs anywhere and
 * in parallel (`npm run test:unit`). `system`: everything that needs Postgres, Redis, PGlite on disk
 * or the binary; its globalSetup builds dist/ first when the sources are newer, because tests start
 * the compiled binary (test/helpers/cli-bin.ts), not the sources.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
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
        },
      },
    ],
  },
});
