import type { Store } from '../../../src/store/db.js';
import { testContext as baseContext } from '../../helpers/cli-context.js';

/** The review tests' context: a fixed clock, so recorded decision times are known. */
export function testContext(store: Store, env: NodeJS.ProcessEnv = {}) {
  return baseContext(store, env, { clock: { now: () => Date.parse('2026-11-21T09:00:00Z') } });
}
