// One pair's outcome: scored answer, recorded failure, or kept unscored when scoring threw.
import type { CallResult } from '../domain/call-result.js';
import type { GoldenCase } from '../domain/golden-case.js';
import type { Outcome } from '../domain/outcome.js';
import { scoreCase, type JudgeDeps } from '../scoring/index.js';

export async function toOutcome(
  caseId: string,
  model: string,
  r: CallResult,
  source: Outcome['source'],
  gcase: GoldenCase,
  judge: JudgeDeps | undefined,
): Promise<Outcome> {
  const ok = r.status >= 200 && r.status < 300 && r.output !== null;
  const s = ok ? await scoreCase(gcase, r.output, judge ?? {}) : null;
  return outcomeOf(caseId, model, r, source, {
    score: s ? Math.min(1, Math.max(0, s.score)) : null,
    pass: s ? s.pass : false,
    reason: s ? s.reason : r.error ? `${r.error.kind}: ${r.error.message}` : `status ${r.status}`,
  });
}

/** The outcome of one pair: the call's result as recorded, with the verdict given. */
function outcomeOf(
  caseId: string,
  model: string,
  r: CallResult,
  source: Outcome['source'],
  verdict: Pick<Outcome, 'score' | 'pass' | 'reason'>,
): Outcome {
  return {
    case_id: caseId,
    model,
    answered_by: r.answered_by,
    status: r.status,
    output: r.output,
    score: verdict.score,
    pass: verdict.pass,
    reason: verdict.reason,
    cost_usd: r.cost_usd,
    latency_ms: r.latency_ms,
    input_tokens: r.input_tokens,
    output_tokens: r.output_tokens,
    source,
  };
}

/**
 * The client threw instead of returning a result (it should not): the pair becomes a recorded failure
 * with the reason, rather than failing the chunk and every other pair in it.
 */
export function unreadReply(e: unknown): CallResult {
  return {
    status: 502,
    output: null,
    answered_by: null,
    latency_ms: 0,
    input_tokens: null,
    output_tokens: null,
    cost_usd: null,
    error: { kind: 'bad_response', message: `the reply could not be read: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300) },
    simulated: false,
  };
}

/** Scoring threw (it should not): the answer is kept, unscored, with the reason. */
export function unscored(caseId: string, model: string, r: CallResult, source: Outcome['source'], e: unknown): Outcome {
  return outcomeOf(caseId, model, r, source, {
    score: null,
    pass: false,
    reason: `scoring failed: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300),
  });
}
