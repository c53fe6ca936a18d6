import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openStore } from '../../../src/store/db.js';
import { createTestDatabase, openTestStore, STORE_KINDS, type TestStore } from '../../helpers/stores.js';

describe.each(STORE_KINDS)('store on %s', (kind) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.cleanup();
    store = undefined;
  });

  it('creates every table on open', async () => {
    // A store migrated by this open, not a copy of the run's migrated template.
    if (kind === 'pglite') {
      const fresh = await openStore({ dataDir: 'memory://' });
      store = { ...fresh, cleanup: () => fresh.close() };
    } else {
      const dbase = await createTestDatabase();
      const fresh = await openStore({ url: dbase.url, max: 1 });
      store = { ...fresh, cleanup: () => fresh.close().then(() => dbase.drop()) };
    }
    const rows = await store.rows<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    const names = rows.map((r) => r.table_name);
    for (const t of ['policies', 'policy_versions', 'traffic', 'runs', 'variant_results', 'proposals', 'promotions']) {
      expect(names).toContain(t);
    }
  });

  it('allows exactly one active version per policy', async () => {
    store = await openTestStore(kind);
    await store.rows(sql`insert into policies (name) values ('p')`);
    const spec = JSON.stringify({ spec_version: 'v1', kind: 'model', name: 'p', policy: { strategy: { mode: 'single' } } });
    await store.rows(
      sql`insert into policy_versions (policy_id, version, spec, source_format, origin, is_active) values (1, 1, ${spec}::jsonb, 'watsonx', 'add', true)`,
    );
    await expect(
      store.rows(
        sql`insert into policy_versions (policy_id, version, spec, source_format, origin, is_active) values (1, 2, ${spec}::jsonb, 'watsonx', 'add', true)`,
      ),
    ).rejects.toThrow();
  });
});

const journal = JSON.parse(readFileSync(new URL('../../../migrations/meta/_journal.json', import.meta.url), 'utf8')) as {
  entries: unknown[];
};

describe('migrations on Postgres', () => {
  it('two processes migrating at once both succeed and apply once', async () => {
    const dbase = await createTestDatabase();
    try {
      const [a, b] = await Promise.all([openStore({ url: dbase.url, max: 1 }), openStore({ url: dbase.url, max: 1 })]);
      const applied = await a.rows<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      // Each migration once, not once per process.
      expect(applied[0]?.n).toBe(journal.entries.length);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await dbase.drop();
    }
  });
});
