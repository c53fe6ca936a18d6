import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { importTraffic } from '../../../src/traffic/import.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../../helpers/stores.js';
import { clearTraffic } from './clear-traffic.js';

const F = (name: string) => join(import.meta.dirname, '../../fixtures/traffic', name);

describe.each(STORE_KINDS)('traffic import of every format on %s', (kind) => {
  // One store per driver; each test starts from empty traffic tables.
  let store!: TestStore;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(() => store.cleanup());
  beforeEach(() => clearTraffic(store));

  it.each([
    { files: ['openai-chat.jsonl'], format: 'openai-chat', imported: 2, notReplayable: 0, skipped: 0 },
    { files: ['openai-batch-input.jsonl', 'openai-batch-output.jsonl'], format: 'openai-batch', imported: 3, notReplayable: 0, skipped: 0 },
    { files: ['litellm-spendlogs.jsonl'], format: 'litellm', imported: 2, notReplayable: 0, skipped: 0 },
    { files: ['litellm-standard-payload.json'], format: 'litellm', imported: 3, notReplayable: 1, skipped: 0 },
    { files: ['langfuse-observations.jsonl'], format: 'langfuse', imported: 3, notReplayable: 1, skipped: 1 },
    { files: ['otel-genai.json'], format: 'otel', imported: 1, notReplayable: 0, skipped: 0 },
    { files: ['otel-deprecated.jsonl'], format: 'otel', imported: 3, notReplayable: 0, skipped: 1 },
  ])(
    '$files: detects $format, imports $imported, and a re-import adds nothing',
    async ({ files, format, imported, notReplayable, skipped }) => {
      const first = await importTraffic(store, files.map(F));
      expect(first).toMatchObject({
        format,
        detected: true,
        imported,
        duplicates: 0,
        quarantined: [],
        not_replayable: notReplayable,
        skipped,
      });
      const again = await importTraffic(store, files.map(F));
      expect(again).toMatchObject({ imported: 0, duplicates: imported, not_replayable: 0 });
      const [count] = await store.rows<{ n: number }>(sql`select count(*)::int as n from traffic`);
      expect(count?.n).toBe(imported);
    },
  );

  it('stores what the formats said: statuses, tags as metadata, join of batch files', async () => {
    await importTraffic(store, [F('litellm-spendlogs.jsonl')]);
    await importTraffic(store, [F('openai-batch-output.jsonl'), F('openai-batch-input.jsonl')]);
    const rows = await store.rows<{
      format: string;
      status: number | null;
      intent: string | null;
      output: string | null;
      first: string | null;
    }>(sql`
      select format, (response->>'status')::int as status, metadata->>'intent' as intent, response->>'output' as output,
             request->'messages'->-1->>'content' as first
      from traffic order by format, first`);
    expect(rows).toEqual([
      { format: 'litellm', status: 429, intent: null, output: null, first: 'Refactor this function to be async.' },
      { format: 'litellm', status: 200, intent: 'chat', output: 'It shipped yesterday.', first: 'Where is my order #5512?' },
      {
        format: 'openai-batch',
        status: 200,
        intent: 'support',
        output: 'Yes, we bleed and service hydraulic brakes.',
        first: 'Do you fix hydraulic brakes?',
      },
      { format: 'openai-batch', status: 503, intent: null, output: null, first: 'Summarise our returns policy in one sentence.' },
      {
        format: 'openai-batch',
        status: 200,
        intent: null,
        output: expect.stringContaining('SELECT date(created_at)'),
        first: 'Write a SQL query that counts orders per day.',
      },
    ]);
  });

  it('reads a JSON array and a single JSON object as well as JSONL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-traffic-'));
    const line = (i: number) => ({
      timestamp: `2026-11-20T08:00:0${i}Z`,
      request: { model: 'm', messages: [{ role: 'user', content: `q${i}` }] },
    });
    writeFileSync(join(dir, 'array.json'), JSON.stringify([line(1), line(2), line(3)], null, 2));
    writeFileSync(join(dir, 'one.json'), JSON.stringify(line(4), null, 2));
    expect(await importTraffic(store, [join(dir, 'array.json')])).toMatchObject({ format: 'openai-chat', imported: 3 });
    expect(await importTraffic(store, [join(dir, 'one.json')])).toMatchObject({ format: 'openai-chat', imported: 1 });
  });

  it('refuses a file whose format cannot be told, and files of different formats together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-traffic-'));
    writeFileSync(join(dir, 'odd.jsonl'), '{"hello": 1}\n{"world": 2}\n');
    await expect(importTraffic(store, [join(dir, 'odd.jsonl')])).rejects.toThrow(/odd\.jsonl: cannot tell the format.*--format/);
    await expect(importTraffic(store, [F('openai-chat.jsonl'), F('litellm-spendlogs.jsonl')])).rejects.toThrow(/different formats/);
    await expect(importTraffic(store, [join(dir, 'missing.jsonl')])).rejects.toThrow(/missing\.jsonl: cannot read/);
  });
});
