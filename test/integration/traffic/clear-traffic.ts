import { sql } from 'drizzle-orm';
import type { Store } from '../../../src/store/db.js';

/** Empty the traffic tables so tests can share one store (opening PGlite costs seconds). */
export async function clearTraffic(store: Store): Promise<void> {
  await store.rows(sql`truncate sample_items, samples, quarantine, traffic, traffic_imports restart identity cascade`);
}
