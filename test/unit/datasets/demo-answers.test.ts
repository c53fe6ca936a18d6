import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GoldenCase, inputKey } from '../../../src/domain/index.js';
import { scoreCase } from '../../../src/scoring/score-case.js';
import { parseAnswersText } from '../../../src/providers/fleet-spec.js';
import type { JudgeFn } from '../../../src/scoring/judge.js';

const DEMO = new URL('../../../datasets/demo/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, DEMO), 'utf8');

const cases = (parse(read('golden.yaml')) as { cases: unknown[] }).cases.map((c) => GoldenCase.parse(c));
const answersResult = parseAnswersText(read('answers.jsonl'), 'answers.jsonl');
if (!answersResult.ok) throw new Error(JSON.stringify(answersResult.error));
const answers = new Map(answersResult.value.map((a) => [a.key, a]));

/** The simulated judge as the fleet serves it: the answers file's verdict for the exact prompt, always right. */
const simulatedJudge: JudgeFn = async ({ messages }) => {
  const entry = answers.get(inputKey(messages));
  return { status: 200, output: entry ? entry.correct : 'no verdict' };
};

describe('demo golden set and the simulated fleet answers', () => {
  it('has 200+ cases over at least five intents, with most assertion kinds', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const intents = new Set(cases.map((c) => c.metadata.intent));
    expect(intents.size).toBeGreaterThanOrEqual(5);
    const kinds = new Set(cases.flatMap((c) => c.assertions.map((a) => a.type)));
    expect(kinds.size).toBeGreaterThanOrEqual(15);
    expect(kinds).toContain('judge');
  });

  it('has one answer line per case, in the case intent segment', () => {
    for (const c of cases) {
      const a = answers.get(inputKey(c.input.messages));
      expect(a, c.id).toBeDefined();
      expect(a?.segment).toBe(c.metadata.intent);
    }
  });

  it('correct answers pass every case and wrong answers fail it (judge included)', async () => {
    for (const c of cases) {
      const a = answers.get(inputKey(c.input.messages));
      if (!a) throw new Error(`no answer for ${c.id}`);
      const good = await scoreCase(c, a.correct, { judge: simulatedJudge });
      const bad = await scoreCase(c, a.wrong, { judge: simulatedJudge });
      expect({ id: c.id, pass: good.pass, reason: good.reason }).toEqual({ id: c.id, pass: true, reason: expect.any(String) });
      expect({ id: c.id, pass: bad.pass }).toEqual({ id: c.id, pass: false });
      expect(bad.score, c.id).toBeLessThan(good.score);
    }
  });

  it('correct answers pass the non-judge assertions without any judge', async () => {
    for (const c of cases) {
      const a = answers.get(inputKey(c.input.messages));
      const nonJudge = { ...c, assertions: c.assertions.filter((x) => x.type !== 'judge') };
      const r = await scoreCase(nonJudge, a?.correct ?? null);
      expect({ id: c.id, pass: r.pass }).toEqual({ id: c.id, pass: true });
    }
  });
});
