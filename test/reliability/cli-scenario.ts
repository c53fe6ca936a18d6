import { afterEach, beforeAll } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openTestStore } from '../helpers/stores.js';
import { argv, cleanupList, cliContext } from './harness.js';

/**
 * Shared setup of the CLI reliability scenarios: a cleanup list run after each test, and a warm-up
 * that opens a first store and runs a first command, so the CLI's modules load once under the hook's
 * timeout and each test measures only its own scenario. Call at module top level; returns the list.
 */
export function cliScenarioSetup(): ReturnType<typeof cleanupList> {
  const cleanups = cleanupList();
  afterEach(() => cleanups.run());
  beforeAll(async () => {
    const store = await openTestStore('pglite');
    try {
      await main(argv('policy', 'list'), cliContext(store));
    } finally {
      await store.close();
    }
  });
  return cleanups;
}
