import { sql } from 'drizzle-orm';
import type { Db, Store } from '../../src/store/db.js';

/**
 * The checker the import scenarios end with (issue 17). It reads the traffic tables straight and
 * compares them with what the scenario accepted:
 * - the store is not corrupt: each table's full-scan count equals its index-scan count (on both
 *   stores), and on Postgres amcheck's `bt_index_check(…, heapallindexed => true)` passes for every
 *   index of traffic;
 * - every row belongs to an import that exists, and each import's `imported` equals the rows it owns
 *   (so nothing deleted another import's rows, and nothing was counted twice);
 * - with `expectedIds`: every accepted record is stored exactly once and nothing else is stored;
 * - no run is left `running`.
 */
export interface TrafficCheck {
  rows: number;
  seqCount: number;
  indexCount: number;
  amcheck: 'ok' | 'unavailable' | 'not postgres';
  problems: string[];
}

type Rows = Pick<Store, 'rows' | 'kind'> & { db: Db };

/** Count a table twice inside one transaction: once forced to a sequential scan, once forced to its index. */
export async function scanCounts(store: Rows, table: string, indexed: string): Promise<{ seq: number; index: number }> {
  return store.db.transaction(async (tx) => {
    const one = async (q: string) => {
      const r = (await tx.execute(sql.raw(q))) as unknown;
      const rows = Array.isArray(r) ? r : ((r as { rows: unknown[] }).rows ?? []);
      return Number((rows[0] as { n: number | string }).n);
    };
    await tx.execute(sql.raw('set local enable_indexscan = off'));
    await tx.execute(sql.raw('set local enable_indexonlyscan = off'));
    await tx.execute(sql.raw('set local enable_bitmapscan = off'));
    const seq = await one(`select count(*)::int as n from ${table}`);
    await tx.execute(sql.raw('set local enable_seqscan = off'));
    await tx.execute(sql.raw('set local enable_indexonlyscan = on'));
    await tx.execute(sql.raw('set local enable_indexscan = on'));
    const index = await one(`select count(${indexed})::int as n from ${table} where ${indexed} is not null`);
    return { seq, index };
  });
}

export async function checkTraffic(store: Rows, options: { expectedIds?: Iterable<string> } = {}): Promise<TrafficCheck> {
  const problems: string[] = [];
  const traffic = await scanCounts(store, 'traffic', 'id');
  if (traffic.seq !== traffic.index) problems.push(`traffic: ${traffic.seq} rows by full scan, ${traffic.index} by its primary-key index`);
  const quarantine = await scanCounts(store, 'quarantine', 'import_id');
  if (quarantine.seq !== quarantine.index)
    problems.push(`quarantine: ${quarantine.seq} rows by full scan, ${quarantine.index} by its index`);

  let amcheck: TrafficCheck['amcheck'] = 'not postgres';
  if (store.kind === 'postgres') {
    try {
      await store.rows(sql`create extension if not exists amcheck`);
      amcheck = 'ok';
    } catch {
      amcheck = 'unavailable';
    }
    if (amcheck === 'ok') {
      const indexes = await store.rows<{ name: string }>(
        sql`select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid in ('traffic'::regclass, 'quarantine'::regclass)`,
      );
      for (const { name } of indexes) {
        try {
          await store.rows(sql`select bt_index_check(${name}::regclass, true)`);
        } catch (e) {
          problems.push(`amcheck ${name}: ${(e as Error).message}`);
        }
      }
    }
  }

  const orphans = await store.rows<{ n: number }>(
    sql`select count(*)::int as n from traffic t where t.import_id is null or not exists (select 1 from traffic_imports i where i.id = t.import_id)`,
  );
  if (Number(orphans[0]?.n) > 0) problems.push(`${orphans[0]?.n} traffic row(s) belong to no import`);
  const owned = await store.rows<{ id: number; imported: number; owned: number }>(
    sql`select i.id, i.imported, (select count(*)::int from traffic t where t.import_id = i.id) as owned from traffic_imports i order by i.id`,
  );
  for (const o of owned) {
    if (Number(o.imported) !== Number(o.owned)) problems.push(`import ${o.id} says imported ${o.imported} but owns ${o.owned} row(s)`);
  }

  if (options.expectedIds) {
    const expected = new Set(options.expectedIds);
    const stored = new Set((await store.rows<{ id: string }>(sql`select id from traffic`)).map((r) => r.id));
    const missing = [...expected].filter((id) => !stored.has(id));
    const extra = [...stored].filter((id) => !expected.has(id));
    if (missing.length) problems.push(`${missing.length} accepted record(s) not stored, e.g. ${missing.slice(0, 3).join(', ')}`);
    if (extra.length) problems.push(`${extra.length} stored record(s) nobody accepted, e.g. ${extra.slice(0, 3).join(', ')}`);
  }

  const running = await store.rows<{ id: string }>(sql`select id from runs where status = 'running'`);
  if (running.length)
    problems.push(
      `${running.length} run(s) left running: ${running
        .map((r) => r.id)
        .slice(0, 3)
        .join(', ')}`,
    );

  return { rows: traffic.seq, seqCount: traffic.seq, indexCount: traffic.index, amcheck, problems };
}

/** checkTraffic, throwing with every problem listed. */
export async function assertTrafficSound(store: Rows, options: { expectedIds?: Iterable<string> } = {}): Promise<TrafficCheck> {
  const check = await checkTraffic(store, options);
  if (check.problems.length) throw new Error(`traffic store is not sound:\n  - ${check.problems.join('\n  - ')}`);
  return check;
}
