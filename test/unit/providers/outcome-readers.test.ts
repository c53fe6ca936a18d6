import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readOutcomesJsonl } from '../../../src/providers/outcomes-jsonl.js';
import type { RecordedItem } from '../../../src/providers/recorded-item.js';
import { isLabelColumn } from '../../../src/providers/label-columns.js';
import { readRouterbenchCsv } from '../../../src/providers/routerbench-csv.js';

async function all(items: AsyncIterable<RecordedItem>): Promise<RecordedItem[]> {
  const out: RecordedItem[] = [];
  for await (const i of items) out.push(i);
  return out;
}
const csv = (text: string) => all(readRouterbenchCsv(Readable.from([text]), 'rb.csv'));

const HEADER =
  'sample_id,prompt,eval_name,small,large,small|model_response,large|model_response,small|total_cost,large|total_cost,oracle_model_to_route_to\n';

describe('readRouterbenchCsv', () => {
  it('yields one row per (case, model) with decoded prompt and responses', async () => {
    const items = await csv(`${HEADER}quiz.1,['What is 7 * 8?'],arithmetic,0.0,1.0,['54'],"['7 * 8\\n= 56']",2.0e-06,9.0e-05,large\n`);
    expect(items).toEqual([
      {
        ok: true,
        row: {
          case_id: 'quiz.1',
          model: 'small',
          input: 'What is 7 * 8?',
          output: '54',
          score: 0,
          cost_usd: 2e-6,
          latency_ms: null,
          status: 200,
          metadata: { eval_name: 'arithmetic', oracle_model_to_route_to: 'large' },
        },
      },
      {
        ok: true,
        row: {
          case_id: 'quiz.1',
          model: 'large',
          input: 'What is 7 * 8?',
          output: '7 * 8\n= 56',
          score: 1,
          cost_usd: 9e-5,
          latency_ms: null,
          status: 200,
          metadata: { eval_name: 'arithmetic', oracle_model_to_route_to: 'large' },
        },
      },
    ]);
  });

  it('ignores a leading unnamed index column, as pandas writes it', async () => {
    for (const index of ['', 'Unnamed: 0']) {
      const items = await csv(`${index},${HEADER}0,q.1,['hi'],chat,1,1,['a'],['b'],1e-6,2e-6,small\n`);
      expect(items.filter((i) => i.ok)).toHaveLength(2);
      expect(items[0]?.ok && items[0].row.metadata).toEqual({ eval_name: 'chat', oracle_model_to_route_to: 'small' });
    }
  });

  it('quarantines a row with a missing score or cost, with its row and line number, and goes on', async () => {
    const items = await csv(
      `${HEADER}q.1,"['multi\nline prompt']",x,,1,['a'],['b'],1e-6,2e-6,large\nq.2,['p'],x,1,nan,['a'],['b'],1e-6,2e-6,small\nq.3,['p'],x,1,1,['a'],['b'],,2e-6,small\nq.4,['p'],x,1,0,['a'],['b'],1e-6,2e-6,small\n`,
    );
    const bad = items
      .filter((i): i is Extract<RecordedItem, { ok: false }> => !i.ok)
      .map((i) => [i.issue.line, i.issue.field, i.issue.message]);
    expect(bad).toEqual([
      [2, 'small', 'row 1 (q.1): small has no score'],
      [4, 'large', 'row 2 (q.2): large has no score'],
      [5, 'small|total_cost', 'row 3 (q.3): small has no cost'],
    ]);
    expect(items.filter((i) => i.ok).map((i) => i.ok && i.row.case_id)).toEqual(['q.4', 'q.4']);
  });

  it('refuses a header without the RouterBench layout, naming what is missing', async () => {
    await expect(csv('id,prompt\n1,x\n')).rejects.toThrow(/no sample_id column/);
    await expect(csv('sample_id,prompt,a\n1,x,1\n')).rejects.toThrow(/no model columns/);
    await expect(csv('sample_id,prompt,a|model_response\n1,x,y\n')).rejects.toThrow(/"a" has no score column/);
    await expect(csv('')).rejects.toThrow(/empty/);
  });
});

describe('readOutcomesJsonl', () => {
  it('reads good lines and quarantines bad ones with line and field', async () => {
    const text = [
      '{"case_id": 1, "model": "m", "output": "x", "score": 1, "cost_usd": 0.001, "latency_ms": 120, "status": 200}',
      '',
      'not json',
      '{"case_id": "2", "model": "m", "score": 1.5}',
      '{"case_id": "3", "model": "m", "score": null, "status": 503}',
    ].join('\n');
    const items = await all(readOutcomesJsonl(Readable.from([text]), 'o.jsonl'));
    expect(items.map((i) => (i.ok ? i.row.case_id : [i.issue.line, i.issue.field ?? null]))).toEqual(['1', [3, null], [4, 'score'], '3']);
  });
});

describe('label columns', () => {
  it('answer-describing columns are labels; request-describing ones are not', () => {
    for (const c of ['oracle_model_to_route_to', 'is_correct', 'correctness', 'gpt4_score', 'expected_answer', 'judge', 'winner'])
      expect(isLabelColumn(c)).toBe(true);
    for (const c of ['eval_name', 'intent', 'project', 'language', 'task', 'user_tier']) expect(isLabelColumn(c)).toBe(false);
  });
});
