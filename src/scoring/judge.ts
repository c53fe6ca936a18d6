import type { JudgeCache, ScoreResult } from '../domain/golden-case.js';
import { inputKey } from '../domain/input-key.js';
import { type AssertionOf, failed, scored } from './scorer-kit.js';
import { DEFAULT_RUBRIC, JUDGE_PROMPT_VERSION, type ChatMessage, pairwiseMessages, rubricMessages } from './judge-prompt.js';
import { readPairwiseVerdict, readRubricVerdict } from './judge-verdict.js';

/** How the scorer reaches a judge model: the provider layer, injected by the composition root. */
/** `cost_usd`: what the call cost, when the caller meters judge calls (the scorer ignores it). */
export type JudgeFn = (req: {
  model: string;
  messages: { role: string; content: string }[];
}) => Promise<{ status: number; output: string | null; cost_usd?: number | null }>;

export type { JudgeCache };

export interface JudgeDeps {
  judge?: JudgeFn;
  /** Used when the assertion names no `model`. */
  judgeModel?: string;
  cache?: JudgeCache;
}

export const NO_JUDGE = 'no judge configured';

/** Rubric verdicts below this (0..1) fail when the judge gave no explicit pass. */
const RUBRIC_PASS = 0.7;

/**
 * LLM-as-judge. rubric: one call grading the output against the rubric (reference shown when the
 * case has one). pairwise: the output against the reference, asked twice with the answers swapped
 * so the judge's position bias cancels; win 1, tie 0.5, loss 0, averaged; passes at ≥ 0.5, i.e.
 * at least as good as the reference. Verdicts are cached under (prompt version, model, prompt
 * hash); failed calls are never cached.
 */
export async function scoreJudge(
  a: AssertionOf<'judge'>,
  conversation: readonly ChatMessage[],
  output: string,
  reference: string | undefined,
  deps: JudgeDeps,
): Promise<ScoreResult> {
  const judge = deps.judge;
  if (!judge) return failed(NO_JUDGE);
  const model = a.model ?? deps.judgeModel;
  if (!model) return failed('no judge model configured (set the assertion `model` or a default judge model)');
  if (a.mode === 'pairwise' && reference === undefined) return failed('pairwise judging needs the case reference');

  const prompts =
    a.mode === 'pairwise'
      ? [pairwiseMessages(conversation, output, reference ?? ''), pairwiseMessages(conversation, reference ?? '', output)]
      : [rubricMessages(conversation, output, a.rubric ?? DEFAULT_RUBRIC, reference)];
  const key = judgeCacheKey(model, a.mode, prompts[0] ?? []);

  const hit = await safely(() => deps.cache?.get(key));
  if (hit.ok && hit.value) return hit.value;

  const replies: string[] = [];
  for (const messages of prompts) {
    const res = await safely(() => judge({ model, messages }));
    if (!res.ok) return failed(`judge call failed: ${res.error}`);
    if (res.value.status !== 200 || res.value.output === null) return failed(`judge call failed (status ${res.value.status})`);
    replies.push(res.value.output);
  }

  const result = a.mode === 'pairwise' ? pairwiseResult(replies) : rubricResult(replies[0] ?? '');
  // An unreadable reply is worth asking again next time; a readable one is the verdict.
  if (result.cacheable) await safely(() => deps.cache?.set(key, result.score));
  return result.score;
}

export function judgeCacheKey(model: string, mode: string, messages: readonly ChatMessage[]): string {
  return `${JUDGE_PROMPT_VERSION}:${mode}:${model}:${inputKey(messages)}`;
}

function rubricResult(reply: string): { score: ScoreResult; cacheable: boolean } {
  const v = readRubricVerdict(reply);
  if (!v) return { score: failed(`judge reply unreadable: ${JSON.stringify(reply.slice(0, 60))}`), cacheable: false };
  const pass = v.pass ?? v.score >= RUBRIC_PASS;
  return { score: scored(v.score, pass, `judge ${Math.round(v.score * 10)}/10${v.reason ? `: ${v.reason}` : ''}`), cacheable: true };
}

function pairwiseResult(replies: string[]): { score: ScoreResult; cacheable: boolean } {
  const [first, second] = replies.map(readPairwiseVerdict);
  if (!first || !second) return { score: failed('judge reply unreadable (pairwise)'), cacheable: false };
  // First call: the output is A. Second call: the output is B.
  const points = (w: string, mine: string) => (w === mine ? 1 : w === 'tie' ? 0.5 : 0);
  const score = (points(first.winner, 'A') + points(second.winner, 'B')) / 2;
  const verdict = score > 0.5 ? 'better than' : score === 0.5 ? 'as good as' : 'worse than';
  const reason = `judge: ${verdict} the reference (${score.toFixed(2)})${first.reason ? `: ${first.reason}` : ''}`;
  return { score: scored(score, score >= 0.5, reason), cacheable: true };
}

async function safely<T>(f: () => Promise<T> | T): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
