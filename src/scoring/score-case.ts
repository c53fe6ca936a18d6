import type { GoldenCase, ScoreResult } from '../domain/golden-case.js';
import { NO_OUTPUT, applyThreshold, scoreAssertionSync } from './score-assertion.js';
import { type JudgeDeps, scoreJudge } from './judge.js';
import { failed, scored } from './scorer-kit.js';

export type AssertionScore = ScoreResult & { type: string };
export type CaseScore = ScoreResult & { assertions: AssertionScore[] };

/**
 * A case's score is the weighted mean of its assertion scores (weights default to 1); the case
 * passes only when every assertion passes. A null output (the call failed) scores 0 on every
 * assertion without calling the judge. Never throws.
 */
export async function scoreCase(gcase: GoldenCase, output: string | null, deps: JudgeDeps = {}): Promise<CaseScore> {
  const assertions: AssertionScore[] = [];
  for (const a of gcase.assertions) {
    let r: ScoreResult;
    if (output === null) r = failed(NO_OUTPUT);
    else if (a.type === 'judge') r = applyThreshold(a, await scoreJudgeSafely(a, gcase, output, deps));
    else r = scoreAssertionSync(a, output, gcase.reference);
    assertions.push({ type: a.type, ...r });
  }
  const summary = output === null ? failed(NO_OUTPUT) : combine(gcase, assertions);
  return { ...summary, assertions };
}

async function scoreJudgeSafely(
  a: Parameters<typeof scoreJudge>[0],
  gcase: GoldenCase,
  output: string,
  deps: JudgeDeps,
): Promise<ScoreResult> {
  try {
    return await scoreJudge(a, gcase.input.messages, output, gcase.reference, deps);
  } catch (e) {
    return failed(`judge error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function combine(gcase: GoldenCase, results: AssertionScore[]): ScoreResult {
  if (results.length === 0) return failed('no assertions');
  let total = 0;
  let weights = 0;
  results.forEach((r, i) => {
    const w = gcase.assertions[i]?.weight ?? 1;
    total += w * r.score;
    weights += w;
  });
  const score = weights > 0 ? total / weights : 0;
  const failing = results.filter((r) => !r.pass);
  if (failing.length === 0) return scored(score, true, `${results.length}/${results.length} assertions passed`);
  const first = failing[0];
  const why = first ? `${first.type}: ${first.reason}` : '';
  return scored(score, false, `${results.length - failing.length}/${results.length} assertions passed; ${why}`);
}
