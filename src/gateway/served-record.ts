import type { NormalisedRecord } from '../traffic/readers/reader.js';
import { parseChatText } from './chat-request.js';

/**
 * One served exchange as the request path hands it to the traffic log: the raw request body (the
 * string it already read) and a few scalars, no object graph. The log's worker thread turns it into
 * the traffic record an import of the exchange would produce (`servedRecord`), so parsing the body
 * again, copying, redacting and serialising all happen off the request path.
 */
export interface ServedExchange {
  id: string;
  startedAt: number;
  /** The request body exactly as received (it passed the gateway's checks). */
  body: string;
  /** The project routed on: the body's metadata.project, else the key's only project. */
  project: string | undefined;
  key: string | null;
  status: number;
  policy: string | null;
  policyVersion: number | null;
  outcome: 'served' | 'failed' | 'blocked' | 'skipped';
  servedBy: string | null;
  output: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  attempts: ReadonlyArray<{ model: string; status: number; reason: string; latency_ms: number }>;
  reasons: readonly string[];
  flagged: boolean;
  blocked: 'guardrail' | 'budget' | null;
  propensity: number | null;
}

/** Fixed fields per exchange in a packed list, before its attempts and reasons. */
const FIXED = 18;

/**
 * Appends an exchange to `out` as flat values (strings and numbers): a list of those is what a
 * worker message clones fastest, with no key per field and no nested object per exchange.
 */
export function packExchange(out: unknown[], e: ServedExchange): void {
  out.push(
    e.id,
    e.startedAt,
    e.body,
    e.project,
    e.key,
    e.status,
    e.policy,
    e.policyVersion,
    e.outcome,
    e.servedBy,
    e.output,
    e.inputTokens,
    e.outputTokens,
    e.costUsd,
    e.flagged,
    e.blocked,
    e.propensity,
    e.attempts.length,
  );
  for (const a of e.attempts) out.push(a.model, a.status, a.reason, a.latency_ms);
  out.push(e.reasons.length, ...e.reasons);
}

/** The exchanges of a packed list, in order. */
export function unpackExchanges(packed: readonly unknown[]): ServedExchange[] {
  const out: ServedExchange[] = [];
  let i = 0;
  while (i + FIXED <= packed.length) {
    const v = packed.slice(i, i + FIXED);
    i += FIXED;
    const attempts: ServedExchange['attempts'][number][] = [];
    for (let n = v[17] as number; n > 0; n--, i += 4)
      attempts.push({
        model: packed[i] as string,
        status: packed[i + 1] as number,
        reason: packed[i + 2] as string,
        latency_ms: packed[i + 3] as number,
      });
    const nReasons = packed[i++] as number;
    const reasons = packed.slice(i, i + nReasons) as string[];
    i += nReasons;
    out.push({
      id: v[0] as string,
      startedAt: v[1] as number,
      body: v[2] as string,
      project: v[3] as string | undefined,
      key: v[4] as string | null,
      status: v[5] as number,
      policy: v[6] as string | null,
      policyVersion: v[7] as number | null,
      outcome: v[8] as ServedExchange['outcome'],
      servedBy: v[9] as string | null,
      output: v[10] as string | null,
      inputTokens: v[11] as number | null,
      outputTokens: v[12] as number | null,
      costUsd: v[13] as number | null,
      flagged: v[14] as boolean,
      blocked: v[15] as ServedExchange['blocked'],
      propensity: v[16] as number | null,
      attempts,
      reasons,
    });
  }
  return out;
}

/**
 * The traffic record an import of this exchange would produce, plus how it was routed. The body is
 * parsed by the same code the request path used, so messages, params (credential fields dropped),
 * metadata and user are what the router saw.
 */
export function servedRecord(e: ServedExchange): NormalisedRecord {
  const chat = parseChatText(e.body);
  // Metadata names are the client's: no prototype for them to reach.
  const metadata = Object.create(null) as NormalisedRecord['metadata'];
  metadata.tags = [];
  for (const [k, v] of chat.metadata) if (k !== 'tags') metadata[k] = v;
  if (e.project !== undefined) metadata.project = e.project;
  if (chat.user !== undefined) metadata.user = chat.user;
  metadata.routing = {
    source: 'gateway',
    model: chat.model,
    policy: e.policy,
    policy_version: e.policyVersion,
    outcome: e.outcome,
    served_by: e.servedBy,
    attempts: e.attempts.map((a) => ({ model: a.model, status: a.status, reason: a.reason })),
    reasons: [...e.reasons],
    flagged: e.flagged,
    blocked: e.blocked,
    propensity: e.propensity,
    key: e.key,
  };
  let latency = 0;
  for (const a of e.attempts) latency += a.latency_ms;
  return {
    sourceId: e.id,
    timestamp: new Date(e.startedAt).toISOString(),
    request: {
      messages: chat.messages,
      params: Object.assign(Object.create(null) as Record<string, unknown>, chat.params, { model: chat.model }),
    },
    metadata,
    response: {
      model: e.servedBy,
      output: e.output,
      status: e.status,
      latency_ms: latency,
      input_tokens: e.inputTokens,
      output_tokens: e.outputTokens,
      cost_usd: e.costUsd,
    },
    replayable: true,
  };
}
