import { createRng, type Rng } from '../domain/rng.js';
import type { AnswerEntry, FleetModel, FleetSpec } from './fleet-spec.js';

/** What the simulated fleet answers to one request; pure, so it is tested without a socket. */
export type SimulatedReply =
  | {
      kind: 'answer';
      status: 200;
      content: string;
      /** True/false for a known input, null when the fleet has no answer for it. */
      correct: boolean | null;
      prompt_tokens: number;
      completion_tokens: number;
      latency_ms: number;
    }
  | { kind: 'error'; status: number; message: string; type: string; latency_ms: number; retry_after_s?: number };

export interface SimulateInput {
  fleet: FleetSpec;
  model: FleetModel;
  answers: ReadonlyMap<string, AnswerEntry>;
  key: string;
  /** Characters of prompt text, for the token estimate. */
  prompt_chars: number;
  /** How many times this (model, key) was asked before, or a caller-given attempt id: retries draw a fresh status. */
  attempt: number | string;
}

const Z95 = 1.6448536269514722;

export function simulateReply(input: SimulateInput): SimulatedReply {
  const { fleet, model, key } = input;
  // Status and latency vary per attempt; correctness and length do not, so a model is
  // consistently right or wrong on a case however often it is retried.
  const perAttempt = createRng(`${fleet.seed}|${model.name}|${key}|attempt|${input.attempt}`);
  const perCase = createRng(`${fleet.seed}|${model.name}|${key}|answer`);
  const latency = drawLatency(perAttempt, model.latency_ms.median, model.latency_ms.p95);
  const status = drawStatus(perAttempt.fork('status'), model.errors);
  if (status !== null) return errorReply(status, latency, model);

  const answer = input.answers.get(key);
  const qualityDraw = perCase.next();
  const tokenDraw = perCase.next();
  const completion_tokens = Math.max(1, Math.round(model.output_tokens.mean * (0.5 + tokenDraw)));
  const prompt_tokens = Math.max(1, Math.ceil(input.prompt_chars / 4));
  if (!answer) {
    return {
      kind: 'answer',
      status: 200,
      content: `This is a simulated answer from ${model.name}; the fleet has no recorded answer for this request.`,
      correct: null,
      prompt_tokens,
      completion_tokens,
      latency_ms: latency,
    };
  }
  const p = model.quality[answer.segment] ?? model.quality.default ?? 0;
  const correct = qualityDraw < p;
  return {
    kind: 'answer',
    status: 200,
    content: correct ? answer.correct : answer.wrong,
    correct,
    prompt_tokens,
    completion_tokens,
    latency_ms: latency,
  };
}

/** Lognormal with the given median and 95th percentile. */
function drawLatency(rng: Rng, median: number, p95: number): number {
  const sigma = Math.log(p95 / median) / Z95;
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.round(median * Math.exp(sigma * z));
}

function drawStatus(rng: Rng, errors: Record<string, number>): number | null {
  const u = rng.next();
  let acc = 0;
  for (const code of Object.keys(errors).sort()) {
    acc += errors[code] ?? 0;
    if (u < acc) return Number(code);
  }
  return null;
}

function errorReply(status: number, latency: number, model: FleetModel): SimulatedReply {
  if (status === 429)
    return {
      kind: 'error',
      status,
      message: `simulated rate limit for ${model.name}`,
      type: 'rate_limit_error',
      latency_ms: Math.min(latency, 50),
      retry_after_s: 1,
    };
  // A simulated timeout reports the time a caller would have waited, without hanging anyone.
  if (status === 408)
    return {
      kind: 'error',
      status,
      message: `simulated timeout for ${model.name}`,
      type: 'timeout',
      latency_ms: Math.round(model.latency_ms.p95 * 2),
    };
  const type = status >= 500 ? 'server_error' : 'invalid_request_error';
  return { kind: 'error', status, message: `simulated ${status} from ${model.name}`, type, latency_ms: latency };
}
