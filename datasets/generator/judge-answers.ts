import { inputKey } from '../../src/domain/index.js';
import { rubricMessages } from '../../src/scoring/judge-prompt.js';
import type { DemoCase } from './demo-case.js';

export interface AnswerLine {
  key: string;
  segment: string;
  correct: string;
  wrong: string;
}

/**
 * The simulated judge answers the exact rubric prompts the scorer will send for each judge case:
 * one for the case's correct answer (a right verdict passes it) and one for its wrong answer (a
 * right verdict fails it). Built from the scorer's own prompt template, so a prompt change shows
 * up as a stale answers file in test/unit/datasets.
 */
export function judgeAnswers(c: DemoCase): AnswerLine[] {
  const out: AnswerLine[] = [];
  for (const a of c.golden.assertions) {
    if (a.type !== 'judge' || a.mode !== 'rubric' || !a.rubric) continue;
    const pass = JSON.stringify({ reason: 'The answer meets the rubric and agrees with the reference.', score: 9, pass: true });
    const fail = JSON.stringify({ reason: 'The answer misses facts the rubric requires or contradicts the reference.', score: 2, pass: false });
    const forCorrect = rubricMessages(c.golden.input.messages, c.correct, a.rubric, c.golden.reference);
    const forWrong = rubricMessages(c.golden.input.messages, c.wrong, a.rubric, c.golden.reference);
    out.push({ key: inputKey(forCorrect), segment: 'judge', correct: pass, wrong: fail });
    out.push({ key: inputKey(forWrong), segment: 'judge', correct: fail, wrong: pass });
  }
  return out;
}
