import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { importTraffic } from '../../../src/traffic/import.js';
import type { Store } from '../../../src/store/db.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../../helpers/stores.js';
import { clearTraffic } from './clear-traffic.js';

/** Every secret and PII string planted in the mixed file; none may reach the database. */
const SECRETS = {
  openai: 'sk-proj-Q7bX2mN9vK4pL8sT1wR6yZ3c',
  anthropic: 'sk-ant-api03-Hk29dLq81ZpXv7TmNc40-wqe',
  aws: 'AKIAIOSFODNN7EXAMPLE',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl',
  email: 'jane.doe@example.com',
  email2: 'ops-team@storefront.io',
  phone: '+1 415 555 0132',
  card: '4111 1111 1111 1111',
  cardCompact: '4111111111111111',
  iban: 'DE89 3704 0044 0532 0130 00',
  ibanCompact: 'DE89370400440532013000',
  custom: 'ACME-998877',
};

const good = (i: number, content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    timestamp: `2026-11-20T08:${String(i).padStart(2, '0')}:00Z`,
    latency_ms: 100 + i,
    metadata: { intent: 'chat', ...extra },
    request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] },
    response: {
      model: 'gpt-4o-mini',
      choices: [{ message: { role: 'assistant', content: `answer ${i}` } }],
      usage: { prompt_tokens: 5, completion_tokens: 2 },
    },
  });

/** The mixed file: good lines, bad lines of every kind, a duplicate, secrets and PII. */
function writeMixedFile(dir: string): string {
  const lines: Array<string | Buffer> = [
    /* 1 */ good(1, `my key is ${SECRETS.openai}, mail me at ${SECRETS.email}`),
    /* 2 */ 'this is not json at all',
    /* 3 */ good(3, `call ${SECRETS.phone}, card ${SECRETS.card}, IBAN ${SECRETS.iban}`, { aws_key_id: SECRETS.aws }),
    /* 4 */ `{"timestamp": "2026-11-20T08:04:00Z", "request": {"messages": [{"role": "user", "content": "${SECRETS.email2} ${SECRETS.openai}`,
    /* 5 */ Buffer.concat([
      Buffer.from('{"timestamp": "2026-11-20T08:05:00Z", "request": {"messages": []}, "x": "a'),
      Buffer.from([0]),
      Buffer.from('b"}'),
    ]),
    /* 6 */ Buffer.concat([
      Buffer.from('{"timestamp": "2026-11-20T08:06:00Z", "request": {"messages": [{"role": "user", "content": "caf'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}]}}'),
    ]),
    /* 7 */ good(1, `my key is ${SECRETS.openai}, mail me at ${SECRETS.email}`),
    /* 8 */ JSON.stringify({ timestamp: '2026-11-20T08:08:00Z', response: { choices: [] }, note: SECRETS.cardCompact }),
    /* 9 */ '',
    /* 10 */ good(10, 'x'.repeat(11 * 1024 * 1024)),
    /* 11 */ good(11, `token ${SECRETS.anthropic} for account ${SECRETS.custom}`, {
      headers: { Authorization: `Bearer ${SECRETS.bearer}` },
      contact: SECRETS.email2,
    }),
    /* 12 */ good(12, `transfer to ${SECRETS.ibanCompact} from ${SECRETS.cardCompact}`),
    /* 13 */ good(13, 'what are your opening hours?'),
    /* 14 */ good(14, 'do you fix brakes?'),
  ];
  const file = join(dir, 'mixed.jsonl');
  writeFileSync(
    file,
    Buffer.concat(
      lines.map((l, i) => Buffer.concat([Buffer.isBuffer(l) ? l : Buffer.from(l), Buffer.from(i < lines.length - 1 ? '\n' : '')])),
    ),
  );
  return file;
}

/** Every row of every table, as text. */
async function dumpTables(store: Store): Promise<string> {
  const tables = await store.rows<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public'`,
  );
  let out = '';
  for (const { table_name } of tables) {
    const rows = await store.rows<{ row: string }>(sql`select t::text as row from ${sql.identifier(table_name)} t`);
    out += rows.map((r) => r.row).join('\n');
  }
  return out;
}

describe.each(STORE_KINDS)('a mixed file on %s', (kind) => {
  let store!: TestStore;
  let dir!: string;
  beforeAll(async () => {
    store = await openTestStore(kind);
    dir = mkdtempSync(join(tmpdir(), 'rl-mixed-'));
  });
  afterAll(() => store.cleanup());
  beforeEach(() => clearTraffic(store));

  it('imports the good lines, quarantines the bad ones by line number, counts the duplicate', async () => {
    const summary = await importTraffic(store, [writeMixedFile(dir)], { redactPatterns: ['ACME-\\d{6}'] });
    expect(summary).toMatchObject({ format: 'openai-chat', imported: 6, duplicates: 1, quarantined_count: 6, not_replayable: 0 });
    expect(summary.quarantined.map((q) => [q.line, q.reason])).toEqual([
      [2, expect.stringMatching(/not valid JSON/)],
      [4, expect.stringMatching(/truncated/)],
      [5, expect.stringMatching(/NUL/)],
      [6, expect.stringMatching(/UTF-8/)],
      [8, expect.stringMatching(/"request"/)],
      [10, expect.stringMatching(/over 10 MB/)],
    ]);
    expect(summary.redacted_kinds).toEqual({
      openai_key: 2,
      email: 3,
      phone: 1,
      card: 2,
      iban: 2,
      aws_key: 1,
      anthropic_key: 1,
      credential: 1,
      custom: 1,
    });
    // (the Authorization header goes whole by its name: `credential`)
    expect(summary.redacted).toBe(14);
    const stored = await store.rows<{ line: number; reason: string }>(sql`select line, reason from quarantine order by line`);
    expect(stored.map((r) => r.line)).toEqual([2, 4, 5, 6, 8, 10]);
  });

  it('leaves no secret or PII anywhere in the database', async () => {
    await importTraffic(store, [writeMixedFile(dir)], { redactPatterns: ['ACME-\\d{6}'] });
    const dumps = [await dumpTables(store)];
    if (kind === 'postgres' && store.url) {
      const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', store.url], { maxBuffer: 256 * 1024 * 1024 });
      expect(stdout).toContain('[REDACTED:openai_key]');
      dumps.push(stdout);
    }
    for (const dump of dumps) {
      expect(dump).toContain('[REDACTED:email]');
      expect(dump).toContain('opening hours');
      for (const [kindOf, secret] of Object.entries(SECRETS)) expect(dump.includes(secret), `${kindOf} leaked`).toBe(false);
    }
  });

  it('abandons an import that is mostly bad lines and keeps nothing of it', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, [good(1, 'fine'), 'nope', '{"truncated": ', 'also nope'].join('\n'));
    await expect(importTraffic(store, [file])).rejects.toThrow(/nothing kept: 3 of 4 lines are bad .*--max-bad-share 0\.5/s);
    for (const table of ['traffic', 'quarantine']) {
      const [row] = await store.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`);
      expect(row?.n, table).toBe(0);
    }
    // Postgres keeps the abandoned import's row, with its state, for `traffic imports`; PGlite rolls it back.
    const imports = await store.rows<{ state: string; imported: number }>(sql`select state, imported from traffic_imports`);
    expect(imports).toEqual(store.kind === 'postgres' ? [{ state: 'abandoned', imported: 0 }] : []);
    expect(await importTraffic(store, [file], { maxBadShare: 0.8 })).toMatchObject({ imported: 1, quarantined_count: 3 });
  });
});

describe('an import on postgres with a worker thread', () => {
  /** The mixed file's lines, then 6,000 more (about 4 MB: chunks go both to the worker and to the main thread). */
  function writeBigFile(dir: string): string {
    const mixed = writeMixedFile(dir);
    const more = Array.from({ length: 6000 }, (_, i) =>
      i % 997 === 0
        ? 'not json'
        : i % 1500 === 1
          ? good(1, `my key is ${SECRETS.openai}, mail me at ${SECRETS.email}`)
          : good(i % 60, `question ${i} ${'about brakes '.repeat(40)}${i % 7 ? '' : SECRETS.email2}`),
    );
    const file = join(dir, 'big.jsonl');
    writeFileSync(file, Buffer.concat([readFileSync(mixed), Buffer.from(`\n${more.join('\n')}\n`)]));
    return file;
  }

  it('stores the same rows, counts and quarantine as the main thread alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-workers-'));
    const file = writeBigFile(dir);
    const outcomes = [];
    for (const workers of [0, 1]) {
      const store = await openTestStore('postgres');
      try {
        const { import_id: _id, ...summary } = await importTraffic(store, [file], {
          redactPatterns: ['ACME-\\d{6}'],
          workers,
          batchSize: 700,
        });
        const rows = await store.rows(
          sql`select id, ts, request::text, metadata::text, response::text, replayable, format from traffic order by id`,
        );
        const quarantine = await store.rows(sql`select line, reason from quarantine order by line`);
        outcomes.push({ summary, rows, quarantine });
      } finally {
        await store.cleanup();
      }
    }
    const [alone, withWorker] = outcomes;
    expect(alone?.summary).toMatchObject({ imported: 5995, duplicates: 5, quarantined_count: 13 });
    expect(withWorker).toEqual(alone);
  });
});
