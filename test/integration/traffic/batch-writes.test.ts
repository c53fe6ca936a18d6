import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { importTraffic } from '../../../src/traffic/import.js';
import { copyTrafficWriter } from '../../../src/traffic/fast-path/copy-writer.js';
import { createImport } from '../../../src/store/repos/traffic-import-repo.js';
import { openStore } from '../../../src/store/db.js';
import { createTestDatabase, openTestStore, STORE_KINDS, type TestStore } from '../../helpers/stores.js';
import { clearTraffic } from './clear-traffic.js';

const chat = (i: number, content: string | null = `question ${i}`) =>
  JSON.stringify({
    timestamp: `2026-11-20T08:${String(i).padStart(2, '0')}:00Z`,
    request: { model: 'gpt-4o-mini', messages: content === null ? [] : [{ role: 'user', content }] },
    response: { model: 'gpt-4o-mini', choices: [{ message: { role: 'assistant', content: `answer ${i}` } }] },
  });

describe.each(STORE_KINDS)('batched writes on %s', (kind) => {
  let store!: TestStore;
  let dir!: string;
  const file = (name: string, lines: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  beforeAll(async () => {
    store = await openTestStore(kind);
    dir = mkdtempSync(join(tmpdir(), 'rl-batches-'));
  });
  afterAll(() => store.cleanup());
  beforeEach(() => clearTraffic(store));

  it('counts duplicates within a batch, across batches and from earlier imports', async () => {
    // Batches of two: line 5 repeats line 1 from an earlier batch, line 6 repeats it again in its own.
    const first = file('first.jsonl', [chat(1), chat(2), chat(3, null), chat(4), chat(1), chat(1), chat(5)]);
    expect(await importTraffic(store, [first], { batchSize: 2 })).toMatchObject({ imported: 5, duplicates: 2, not_replayable: 1 });
    expect(await importTraffic(store, [first], { batchSize: 2 })).toMatchObject({ imported: 0, duplicates: 7, not_replayable: 0 });
    // Old and new lines mixed in one batch: only the new ones go in.
    const second = file('second.jsonl', [chat(5), chat(6, null), chat(7)]);
    expect(await importTraffic(store, [second], { batchSize: 3 })).toMatchObject({ imported: 2, duplicates: 1, not_replayable: 1 });
    const byImport = await store.rows<{ n: number }>(sql`select count(*)::int as n from traffic group by import_id order by min(ts)`);
    expect(byImport.map((r) => r.n)).toEqual([5, 2]);
  });

  it('stores text exactly, whatever it holds: backslashes, tabs, newlines, quotes, COPY markers', async () => {
    const tricky = 'C:\\new\\table\tcol\nline "quoted" \\N \\. end é 🚲 \u2028';
    await importTraffic(store, [file('tricky.jsonl', [chat(1, tricky), chat(2, '\\')])]);
    const rows = await store.rows<{ content: string }>(sql`select request->'messages'->0->>'content' as content from traffic order by ts`);
    expect(rows.map((r) => r.content)).toEqual([tricky, '\\']);
  });

  it("keeps every row whole across the writer's 256 KB chunks, including a row larger than one", async () => {
    // 700 rows of ~1.3 KB of multi-byte text in one batch, then one row of ~600 KB.
    const text = (i: number) => `${i}:${'ünïcode 🚲 '.repeat(100)}`;
    const lines = Array.from({ length: 700 }, (_, i) =>
      chat(i % 60, text(i)).replace('"timestamp":"2026-11-20T08:', `"id":"r${i}","timestamp":"2026-11-20T08:`),
    );
    lines.push(chat(1, 'x'.repeat(600_000)).replace('"timestamp"', '"id":"big","timestamp"'));
    expect(await importTraffic(store, [file('chunks.jsonl', lines)], { batchSize: 5000 })).toMatchObject({ imported: 701, duplicates: 0 });
    const rows = await store.rows<{ content: string }>(sql`select request->'messages'->0->>'content' as content from traffic`);
    const expected = [...Array.from({ length: 700 }, (_, i) => text(i)), 'x'.repeat(600_000)];
    expect(rows.map((r) => r.content).sort()).toEqual(expected.sort());
  });
});

describe('imports on a Postgres pool of one connection', () => {
  it('queue their COPY batches instead of failing them', async () => {
    const dbase = await createTestDatabase({ migrated: true });
    const store = await openStore({ url: dbase.url, max: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'rl-pool1-'));
    try {
      const path = join(dir, 'pool.jsonl');
      // Batches of about 1 MB, so that one is still streaming when the next is sent.
      const lines = Array.from({ length: 2000 }, (_, i) =>
        chat(i % 60, `${i} ${'x'.repeat(2000)}`).replace('"timestamp"', `"id":"p${i}","timestamp"`),
      );
      writeFileSync(path, `${lines.join('\n')}\n`);
      expect(await importTraffic(store, [path], { batchSize: 500 })).toMatchObject({ imported: 2000, duplicates: 0 });
      expect(await importTraffic(store, [path], { batchSize: 500 })).toMatchObject({ imported: 0, duplicates: 2000 });
    } finally {
      await store.close();
      await dbase.drop();
    }
  });
});

describe('copyTrafficWriter on postgres', () => {
  let store!: TestStore;
  beforeAll(async () => {
    store = await openTestStore('postgres');
  });
  afterAll(() => store.cleanup());

  it('stores timestamps exactly, before and after 2000 (the binary format counts from there) and before 1970', async () => {
    const importId = await createImport(store.db, ['ts.jsonl'], 'openai-chat');
    const writer = copyTrafficWriter(store.db, importId);
    const batch = writer.batch();
    const response = { model: null, output: null, status: 200, latency_ms: null, input_tokens: null, output_tokens: null, cost_usd: null };
    const times = [
      '1969-07-20T20:17:40.123Z',
      '1999-12-31T23:59:59.999Z',
      '2000-01-01T00:00:00.000Z',
      '2026-11-21T16:41:52.001Z',
      '9999-12-31T23:59:59.999Z',
    ];
    times.forEach((timestamp, i) =>
      writer.add(batch, {
        id: `t_${i}`,
        timestamp,
        request: { messages: [], params: {} },
        metadata: { tags: [] },
        response,
        replayable: i % 2 === 0,
        format: 'openai-chat',
      }),
    );
    expect(await writer.write(batch, 2)).toEqual({ inserted: 5, notReplayable: 2 });
    const rows = await store.rows<{ ts: string; replayable: boolean; import_id: number }>(
      sql`select to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ts, replayable, import_id from traffic order by id`,
    );
    expect(rows).toEqual(times.map((ts, i) => ({ ts, replayable: i % 2 === 0, import_id: importId })));
    await store.db.execute(sql`delete from traffic`);
  });

  it('rejects a batch the server refuses instead of waiting forever, and the pool stays usable', async () => {
    const importId = await createImport(store.db, ['x.jsonl'], 'openai-chat');
    const writer = copyTrafficWriter(store.db, importId);
    const batch = writer.batch();
    // jsonb refuses the escaped NUL that JSON.stringify writes (the scrubber removes NULs on import).
    const response = { model: null, output: null, status: 200, latency_ms: null, input_tokens: null, output_tokens: null, cost_usd: null };
    writer.add(batch, {
      id: 't_1',
      timestamp: '2026-11-01T00:00:00.000Z',
      request: { messages: [], params: {} },
      metadata: { tags: [], note: 'a\u0000b' },
      response,
      replayable: true,
      format: 'openai-chat',
    });
    await expect(writer.write(batch, 0)).rejects.toThrow(/unicode|\\u0000|escape/i);
    expect(await store.rows(sql`select count(*)::int as n from traffic`)).toEqual([{ n: 0 }]);
  });
});
