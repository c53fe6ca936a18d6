import { describe, expect, it } from 'vitest';
import { GoldenCase } from '../../../src/domain/golden-case.js';
import { scoreCase } from '../../../src/scoring/index.js';

const gcase = GoldenCase.parse({
  id: 'refund',
  input: 'How long do I have to return an item?',
  reference: 'You can return items within 30 days.',
  assertions: [
    { type: 'contains', values: ['30 days'], weight: 3 },
    { type: 'length', max: 10, unit: 'words', weight: 1 },
  ],
});

describe('scoreCase', () => {
  it('passes when every assertion passes', async () => {
    const r = await scoreCase(gcase, 'Within 30 days of delivery.');
    expect(r).toMatchObject({ score: 1, pass: true, reason: '2/2 assertions passed' });
    expect(r.assertions.map((a) => a.type)).toEqual(['contains', 'length']);
  });

  it('scores the weighted mean and fails if any assertion fails', async () => {
    const r = await scoreCase(gcase, 'You have thirty days, counted from the day the parcel arrives at your door.');
    expect(r.score).toBeCloseTo(0);
    const long = await scoreCase(gcase, 'You have 30 days, counted from the day the parcel arrives at your door.');
    expect(long.score).toBeCloseTo(3 / 4);
    expect(long.pass).toBe(false);
    expect(long.reason).toBe('1/2 assertions passed; length: 14 words, above [0, 10]');
  });

  it('scores a failed call (null output) 0 with a reason, without calling the judge', async () => {
    let calls = 0;
    const withJudge = GoldenCase.parse({ ...gcase, assertions: [{ type: 'judge' }] });
    const r = await scoreCase(withJudge, null, { judge: async () => (calls++, { status: 200, output: '{"score": 10}' }), judgeModel: 'j' });
    expect(r).toMatchObject({ score: 0, pass: false, reason: 'no output (the model call failed)' });
    expect(calls).toBe(0);
  });

  it('scores a judge assertion 0 when no judge is configured', async () => {
    const withJudge = GoldenCase.parse({ ...gcase, assertions: [{ type: 'judge' }, { type: 'contains', values: ['30'] }] });
    const r = await scoreCase(withJudge, '30 days');
    expect(r.assertions[0]).toEqual({ type: 'judge', score: 0, pass: false, reason: 'no judge configured' });
    expect(r.score).toBe(0.5);
  });
});
