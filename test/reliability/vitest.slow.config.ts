import { defineConfig } from 'vitest/config';
import { HANG_MS } from '../helpers/waits.js';

/**
 * The reliability scenarios that take minutes (test/reliability/slow), which the root config leaves
 * out of `npm test` (the fast scenarios in test/reliability run there): `npm run test:reliability`.
 * Three groups, one after the other:
 * 1. the scenarios that can share the machine, two files at a time (several mostly wait: a 15 s Redis
 *    outage, a 3 s Postgres one behind slow model answers);
 * 2. the soak, alone: it measures its workers' memory;
 * 3. the Postgres restart, alone and last: it restarts the server every other scenario uses.
 */
const SOAK = 'test/reliability/slow/soak.test.ts';
const PG_RESTART = 'test/reliability/slow/pg-restart.test.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    // Hang guards, not speed checks (test/helpers/waits.ts); the long scenarios set their own.
    testTimeout: HANG_MS + 30_000,
    hookTimeout: 2 * HANG_MS,
    expect: { poll: { timeout: HANG_MS, interval: 50 } },
    // The scenarios start the compiled worker entry and binary: build dist/ when the sources are newer;
    // then migrate one template store per kind that the test stores are copied from.
    globalSetup: ['test/helpers/build-dist.ts', 'test/helpers/db-templates.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'slow', include: ['test/reliability/slow/**/*.test.ts'], exclude: [SOAK, PG_RESTART], sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'soak', include: [SOAK], sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'pg-restart', include: [PG_RESTART], sequence: { groupOrder: 2 } } },
    ],
  },
});
