import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type StoreOptions } from '../../../src/store/db.js';
import { createTestDatabase, STORE_KINDS } from '../../helpers/stores.js';

const MIGRATIONS = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** A copy of migrations/ that stops after the first one: a store as the first release left it. */
function firstMigrationOnly(dir: string): string {
  const folder = join(dir, 'migrations');
  cpSync(MIGRATIONS, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
  return folder;
}

describe.each(STORE_KINDS)('upgrading a store on %s', (kind) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('keeps traffic and samples through the migration to json columns, byte-order ids and no import key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-upgrade-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let options: StoreOptions;
    if (kind === 'postgres') {
      const dbase = await createTestDatabase();
      cleanups.push(() => dbase.drop());
      options = { url: dbase.url, max: 2 };
    } else options = { dataDir: join(dir, 'pglite') };

    const old = await openStore({ ...options, migrationsFolder: firstMigrationOnly(dir) });
    await old.rows(sql`insert into traffic_imports (file, format) values ('a.jsonl', 'openai-chat')`);
    await old.rows(sql`
      insert into traffic (id, ts, request, metadata, response, replayable, format, import_id) values
      ('t_b', '2026-11-01T00:00:00Z', '{"messages":[{"role":"user","content":"é"}],"params":{}}', '{"intent":"chat","tags":[]}', '{"model":"m","output":"ok"}', true, 'openai-chat', 1),
      ('t_a', '2026-11-02T00:00:00Z', '{"messages":[],"params":{}}', '{"tags":[]}', '{"model":null,"output":null}', false, 'openai-chat', 1)`);
    await old.rows(sql`insert into samples (name, seed, rate, size, method, strata) values ('s', '1', 1, 1, '{}', '{}')`);
    await old.rows(sql`insert into sample_items (sample_id, traffic_id) values (1, 't_b')`);
    await old.close();

    const store = await openStore(options);
    cleanups.push(() => store.close());
    const rows = await store.rows<{ id: string; content: string | null; intent: string | null; model: string | null }>(
      sql`select id, request->'messages'->0->>'content' as content, metadata->>'intent' as intent, response->>'model' as model from traffic order by id`,
    );
    expect(rows).toEqual([
      { id: 't_a', content: null, intent: null, model: null },
      { id: 't_b', content: 'é', intent: 'chat', model: 'm' },
    ]);
    const types = await store.rows<{ column_name: string; data_type: string; collation_name: string | null }>(
      sql`select column_name, data_type, collation_name from information_schema.columns where table_name = 'traffic' and column_name in ('id', 'request', 'response') order by 1`,
    );
    expect(types).toEqual([
      { column_name: 'id', data_type: 'text', collation_name: 'C' },
      { column_name: 'request', data_type: 'json', collation_name: null },
      { column_name: 'response', data_type: 'json', collation_name: null },
    ]);
    expect(await store.rows(sql`select traffic_id from sample_items`)).toEqual([{ traffic_id: 't_b' }]);
    // A sample still cannot point at traffic that is not there.
    await expect(store.rows(sql`insert into sample_items (sample_id, traffic_id) values (1, 't_zz')`)).rejects.toThrow();
  });
});
