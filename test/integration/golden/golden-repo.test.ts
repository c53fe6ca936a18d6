import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoldenCase, type ScoreResult } from '../../../src/domain/golden-case.js';
import { NotFoundError } from '../../../src/domain/errors.js';
import { scoreCase, type JudgeFn } from '../../../src/scoring/index.js';
import { importGoldenSet, listGoldenSets, loadGoldenSet } from '../../../src/store/repos/golden-repo.js';
import { createJudgeCache } from '../../../src/store/repos/judge-cache-repo.js';
import { STORE_KINDS, openTestStore, type TestStore } from '../../helpers/stores.js';

const mk = (id: string, extra: Record<string, unknown> = {}): GoldenCase =>
  GoldenCase.parse({ id, input: `question ${id}`, reference: `answer ${id}`, assertions: [{ type: 'token_f1' }], ...extra });

describe.each(STORE_KINDS)('golden repo on %s', (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.cleanup();
  });

  it('stores a set and loads its cases back in file order', async () => {
    const cases = ['10', '2', '1'].map((id) => mk(id));
    expect(await importGoldenSet(store.db, 'ordered', cases, 'file:a.yaml')).toMatchObject({ imported: 3, updated: 0 });
    const loaded = await loadGoldenSet(store.db, 'ordered');
    expect(loaded.name).toBe('ordered');
    expect(loaded.cases).toEqual(cases);
  });

  it('re-importing the same name upserts cases by id and keeps the others', async () => {
    await importGoldenSet(store.db, 'upsert', [mk('a'), mk('b')], 'file:v1.yaml');
    const again = await importGoldenSet(store.db, 'upsert', [mk('b', { reference: 'changed' }), mk('c')], 'file:v2.yaml');
    expect(again).toMatchObject({ imported: 1, updated: 1 });
    const loaded = await loadGoldenSet(store.db, 'upsert');
    expect(loaded.cases.map((c) => [c.id, c.reference])).toEqual([
      ['a', 'answer a'],
      ['b', 'changed'],
      ['c', 'answer c'],
    ]);
    const listed = (await listGoldenSets(store.db)).find((s) => s.name === 'upsert');
    expect(listed).toMatchObject({ cases: 3, unreviewed: 0, source: 'file:v2.yaml' });
  });

  it('counts unreviewed cases', async () => {
    await importGoldenSet(store.db, 'bootstrapped', [mk('x', { reviewed: false }), mk('y', { reviewed: false }), mk('z')], 'sample:s1');
    expect((await listGoldenSets(store.db)).find((s) => s.name === 'bootstrapped')).toMatchObject({ cases: 3, unreviewed: 2 });
  });

  it('stores a large set in batches', async () => {
    const cases = Array.from({ length: 1_200 }, (_, i) => mk(`c${i}`));
    expect(await importGoldenSet(store.db, 'large', cases, 'file:big.jsonl')).toMatchObject({ imported: 1_200 });
    expect((await loadGoldenSet(store.db, 'large')).cases.map((c) => c.id)).toEqual(cases.map((c) => c.id));
  });

  it('says which set is missing', async () => {
    await expect(loadGoldenSet(store.db, 'nope')).rejects.toThrow(NotFoundError);
    await expect(loadGoldenSet(store.db, 'nope')).rejects.toThrow(/golden set "nope" not found/);
  });

  it('keeps judge verdicts in judge_cache so a second run makes no judge call', async () => {
    const cache = createJudgeCache(store.db);
    let calls = 0;
    const judge: JudgeFn = async () => {
      calls++;
      return { status: 200, output: '{"score": 7, "pass": true, "reason": "ok"}' };
    };
    const gcase = mk('j', { assertions: [{ type: 'judge', rubric: 'is polite' }] });
    const first = await scoreCase(gcase, 'Thank you!', { judge, judgeModel: 'judge-m', cache });
    const second = await scoreCase(gcase, 'Thank you!', { judge, judgeModel: 'judge-m', cache });
    expect(calls).toBe(1);
    expect(second).toEqual(first);
    expect(first.assertions[0]).toMatchObject({ score: 0.7, pass: true });
    const rows = await store.rows<{ key: string; score: ScoreResult }>(
      // The verdict is in the table, keyed by prompt version and model.
      sql`select key, score from judge_cache`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key).toMatch(/^judge-v2:rubric:judge-m:/);
  });

  it('treats a judge_cache row that is not a verdict as a miss', async () => {
    const cache = createJudgeCache(store.db);
    await store.rows(sql`insert into judge_cache (key, score) values ('bad', '{"score": "high"}'::jsonb)`);
    expect(await cache.get('bad')).toBeUndefined();
    await cache.set('good', { score: 1, pass: true, reason: 'r' });
    await cache.set('good', { score: 0, pass: false, reason: 'later' });
    expect(await cache.get('good')).toEqual({ score: 1, pass: true, reason: 'r' });
  });
});
