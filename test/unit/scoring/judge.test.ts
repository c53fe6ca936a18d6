import { describe, expect, it } from 'vitest';
import { GoldenCase, type ScoreResult } from '../../../src/domain/golden-case.js';
import { JUDGE_PROMPT_VERSION, scoreCase, type JudgeCache, type JudgeFn } from '../../../src/scoring/index.js';

type Call = Parameters<JudgeFn>[0];

/** A judge that records what it was asked and replies from a script. */
function scriptedJudge(replies: Array<{ status: number; output: string | null } | Error>) {
  const calls: Call[] = [];
  const judge: JudgeFn = async (req) => {
    calls.push(req);
    const next = replies[Math.min(calls.length - 1, replies.length - 1)];
    if (next instanceof Error) throw next;
    return next ?? { status: 500, output: null };
  };
  return { judge, calls };
}

function memoryCache(): JudgeCache & { map: Map<string, ScoreResult> } {
  const map = new Map<string, ScoreResult>();
  return { map, get: async (k) => map.get(k), set: async (k, v) => void map.set(k, v) };
}

const rubricCase = GoldenCase.parse({
  id: 'c1',
  input: 'Explain the refund policy.',
  reference: 'Refunds within 30 days.',
  assertions: [{ type: 'judge', rubric: 'Mentions the 30-day window.' }],
});
const pairwiseCase = GoldenCase.parse({ ...rubricCase, assertions: [{ type: 'judge', mode: 'pairwise' }] });

describe('judge: rubric', () => {
  it('sends the rubric, reference and answer to the judge model and reads its JSON verdict', async () => {
    const { judge, calls } = scriptedJudge([
      { status: 200, output: '```json\n{"reason": "mentions 30 days", "score": 8, "pass": true}\n```' },
    ]);
    const r = await scoreCase(rubricCase, 'You get 30 days.', { judge, judgeModel: 'judge-1' });
    expect(r.assertions[0]).toEqual({ type: 'judge', score: 0.8, pass: true, reason: 'judge 8/10: mentions 30 days' });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.model).toBe('judge-1');
    const prompt = calls[0]?.messages.map((m) => m.content).join('\n') ?? '';
    expect(prompt).toContain('Mentions the 30-day window.');
    expect(prompt).toContain('Refunds within 30 days.');
    expect(prompt).toContain('You get 30 days.');
  });

  it('prefers the assertion model over the default judge model', async () => {
    const { judge, calls } = scriptedJudge([{ status: 200, output: 'score: 3' }]);
    const withModel = GoldenCase.parse({ ...rubricCase, assertions: [{ type: 'judge', model: 'strict-judge' }] });
    const r = await scoreCase(withModel, 'x', { judge, judgeModel: 'judge-1' });
    expect(calls[0]?.model).toBe('strict-judge');
    expect(r.assertions[0]).toMatchObject({ score: 0.3, pass: false });
  });

  it('caches verdicts under the prompt version and model, and serves them without a call', async () => {
    const cache = memoryCache();
    const first = scriptedJudge([{ status: 200, output: '{"score": 9}' }]);
    await scoreCase(rubricCase, 'You get 30 days.', { judge: first.judge, judgeModel: 'judge-1', cache });
    expect([...cache.map.keys()]).toHaveLength(1);
    expect([...cache.map.keys()][0]).toMatch(new RegExp(`^${JUDGE_PROMPT_VERSION}:rubric:judge-1:`));

    const second = scriptedJudge([{ status: 200, output: '{"score": 1}' }]);
    const again = await scoreCase(rubricCase, 'You get 30 days.', { judge: second.judge, judgeModel: 'judge-1', cache });
    expect(second.calls).toHaveLength(0);
    expect(again.assertions[0]?.score).toBe(0.9);

    await scoreCase(rubricCase, 'You get 30 days.', { judge: second.judge, judgeModel: 'judge-2', cache });
    expect(second.calls).toHaveLength(1);
  });

  it('turns failed calls and unreadable replies into failing scores that are not cached', async () => {
    const cache = memoryCache();
    for (const reply of [{ status: 429, output: null }, new Error('socket hang up'), { status: 200, output: 'Looks fine to me!' }]) {
      const { judge } = scriptedJudge([reply]);
      const r = await scoreCase(rubricCase, 'answer', { judge, judgeModel: 'j', cache });
      expect(r.assertions[0]).toMatchObject({ score: 0, pass: false });
      expect(r.assertions[0]?.reason).toMatch(/judge call failed|unreadable/);
    }
    expect(cache.map.size).toBe(0);
  });

  it('says when a judge fn is given but no judge model', async () => {
    const { judge } = scriptedJudge([{ status: 200, output: '{"score": 9}' }]);
    expect((await scoreCase(rubricCase, 'x', { judge })).assertions[0]?.reason).toMatch(/no judge model configured/);
  });

  it('still answers when the cache itself fails', async () => {
    const broken: JudgeCache = {
      get: async () => Promise.reject(new Error('db down')),
      set: async () => Promise.reject(new Error('db down')),
    };
    const { judge } = scriptedJudge([{ status: 200, output: '{"score": 10, "pass": true}' }]);
    expect((await scoreCase(rubricCase, 'x', { judge, judgeModel: 'j', cache: broken })).pass).toBe(true);
  });
});

describe('judge: pairwise', () => {
  it('asks twice with the answers swapped so position bias cancels', async () => {
    const { judge, calls } = scriptedJudge([
      { status: 200, output: '{"winner": "A", "reason": "more precise"}' },
      { status: 200, output: '{"winner": "A"}' },
    ]);
    const r = await scoreCase(pairwiseCase, 'Refunds are accepted within 30 days of delivery.', { judge, judgeModel: 'j' });
    expect(calls).toHaveLength(2);
    expect(calls[0]?.messages[1]?.content.indexOf('within 30 days of delivery')).toBeLessThan(
      calls[0]?.messages[1]?.content.indexOf('Refunds within 30 days.') ?? 0,
    );
    expect(calls[1]?.messages[1]?.content.indexOf('Refunds within 30 days.')).toBeLessThan(
      calls[1]?.messages[1]?.content.indexOf('within 30 days of delivery') ?? 0,
    );
    // Won once (as A), lost once (A won again, but the output was B): as good as the reference.
    expect(r.assertions[0]).toMatchObject({ score: 0.5, pass: true });
    expect(r.assertions[0]?.reason).toMatch(/^judge: as good as the reference/);
  });

  it('scores 1 for a consistent win and 0 for a consistent loss', async () => {
    const win = scriptedJudge([
      { status: 200, output: '{"winner":"A"}' },
      { status: 200, output: '{"winner":"B"}' },
    ]);
    expect((await scoreCase(pairwiseCase, 'x', { judge: win.judge, judgeModel: 'j' })).score).toBe(1);
    const loss = scriptedJudge([
      { status: 200, output: '{"winner":"B"}' },
      { status: 200, output: 'winner: A' },
    ]);
    expect((await scoreCase(pairwiseCase, 'x', { judge: loss.judge, judgeModel: 'j' })).assertions[0]).toMatchObject({
      score: 0,
      pass: false,
    });
  });
});
