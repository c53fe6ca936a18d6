import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { importTraffic } from '../../../src/traffic/import.js';
import { createSample } from '../../../src/app/create-sample.js';
import { listSamples, loadSampleRecords } from '../../../src/store/repos/sample-repo.js';
import { NotFoundError } from '../../../src/domain/errors.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../../helpers/stores.js';

/** 200 replayable records (chat 120, code 60, sql 20) over 200 minutes, plus 10 with no messages. */
function writeTraffic(dir: string): string {
  const lines: string[] = [];
  for (let i = 0; i < 210; i++) {
    const intent = i < 120 ? 'chat' : i < 180 ? 'code' : i < 200 ? 'sql' : 'chat';
    const messages = i < 200 ? [{ role: 'user', content: `question ${i}` }] : [];
    const ts = new Date(Date.UTC(2026, 10, 20, 0, i)).toISOString();
    lines.push(
      JSON.stringify({
        timestamp: ts,
        metadata: { intent },
        request: { model: 'm', messages },
        response: { model: 'm', choices: [{ message: { content: `a${i}` } }] },
      }),
    );
  }
  const file = join(dir, 'traffic.jsonl');
  writeFileSync(file, lines.join('\n'));
  return file;
}

describe.each(STORE_KINDS)('traffic samples on %s', (kind) => {
  let store!: TestStore;
  beforeAll(async () => {
    store = await openTestStore(kind);
    const summary = await importTraffic(store, [writeTraffic(mkdtempSync(join(tmpdir(), 'rl-sample-')))]);
    expect(summary).toMatchObject({ imported: 210, not_replayable: 10 });
  });
  afterAll(() => store.cleanup());

  it('draws a uniform sample of replayable records only, stored with its rate', async () => {
    const s = await createSample(store.db, { name: 'uni', size: 50, seed: 'a' });
    expect(s).toMatchObject({ size: 50, population: 210, replayable: 200, rate: 50 / 210 });
    const { sample, records } = await loadSampleRecords(store.db, 'uni');
    expect(sample).toMatchObject({ name: 'uni', size: 50, seed: 'a', rate: 50 / 210 });
    expect(records).toHaveLength(50);
    expect(records.every((r) => r.replayable && r.request.messages.length === 1)).toBe(true);
    const times = records.map((r) => r.timestamp);
    expect([...times].sort()).toEqual(times);
  });

  it('is reproducible from its seed and differs with another seed', async () => {
    const a = await createSample(store.db, { name: 'rep-a', size: 30, seed: 'same' });
    const b = await createSample(store.db, { name: 'rep-b', size: 30, seed: 'same' });
    const c = await createSample(store.db, { name: 'rep-c', size: 30, seed: 'other' });
    const ids = async (name: string) => (await loadSampleRecords(store.db, name)).records.map((r) => r.id);
    expect(a.size).toBe(30);
    expect(await ids('rep-a')).toEqual(await ids('rep-b'));
    expect(await ids('rep-c')).not.toEqual(await ids('rep-a'));
    expect(c.size).toBe(30);
    expect(b.seed).toBe('same');
  });

  it('stratifies by a metadata field with largest remainder and a minimum per stratum', async () => {
    const s = await createSample(store.db, { name: 'strat', size: 20, stratifyBy: 'intent', minPerStratum: 5, seed: 's' });
    expect(s.strata).toEqual([
      { stratum: 'chat', population: 120, sampled: 9 },
      { stratum: 'code', population: 60, sampled: 6 },
      { stratum: 'sql', population: 20, sampled: 5 },
    ]);
    const { records } = await loadSampleRecords(store.db, 'strat');
    const by = (intent: string) => records.filter((r) => r.metadata.intent === intent).length;
    expect([by('chat'), by('code'), by('sql')]).toEqual([9, 6, 5]);
  });

  it('samples a time window by rate', async () => {
    const s = await createSample(store.db, { name: 'win', rate: 0.1, since: '2026-11-20T01:00:00Z', until: '2026-11-20T02:00:00Z' });
    expect(s).toMatchObject({ population: 60, size: 6, rate: 0.1, seed: 'win' });
    const { records } = await loadSampleRecords(store.db, 'win');
    expect(records.every((r) => r.timestamp >= '2026-11-20T01:00:00.000Z' && r.timestamp < '2026-11-20T02:00:00.000Z')).toBe(true);
  });

  it('refuses a taken name, both or neither of size and rate, and names a missing sample', async () => {
    await expect(createSample(store.db, { name: 'uni', size: 5 })).rejects.toThrow(/already exists/);
    await expect(createSample(store.db, { name: 'x', size: 5, rate: 0.1 })).rejects.toThrow(/exactly one of --size and --rate/);
    await expect(createSample(store.db, { name: 'x' })).rejects.toThrow(/exactly one/);
    await expect(loadSampleRecords(store.db, 'nope')).rejects.toBeInstanceOf(NotFoundError);
    expect((await listSamples(store.db)).map((s) => s.name)).toContain('uni');
    const [items] = await store.rows<{ n: number }>(sql`select count(*)::int as n from sample_items`);
    expect(items?.n).toBeGreaterThan(0);
  });
});
