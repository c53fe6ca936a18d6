import { defineConfig } from 'vitest/config';

/**
 * The reliability scenarios that take minutes (test/reliability/slow), which the root config leaves
 * out of `npm test` (the fast scenarios in test/reliability run there): `npm run test:reliability`.
 * One file at a time: the soak measures memory and must not share the machine with another scenario.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/slow/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The scenarios start the compiled worker entry and binary: build dist/ when the sources are newer.
    globalSetup: ['test/helpers/build-dist.ts'],
  },
});
