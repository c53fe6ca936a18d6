import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { CallResult } from '../../domain/call-result.js';
import { inputKey } from '../../domain/input-key.js';
import type { Message } from '../../domain/traffic-record.js';
import type { Db } from '../db.js';
import { responseCache } from '../schema/outcomes.js';
import { redactString } from '../../redact/redact-text.js';

/**
 * Cache key of a provider call: model + input key + the params in a stable order. Two requests that
 * differ only in the order of their params share a key; any other difference does not.
 */
export function cacheKey(model: string, messages: ReadonlyArray<Pick<Message, 'role' | 'content'>>, params: Record<string, unknown>): string {
  // Hashed: params can be large (tool schemas) and a btree key has a size limit.
  return createHash('sha256').update(`${model}\u0000${inputKey(messages)}\u0000${stableJson(params)}`).digest('hex');
}

export async function getCached(db: Db, key: string): Promise<CallResult | null> {
  const [row] = await db.select().from(responseCache).where(eq(responseCache.key, key)).limit(1);
  if (!row) return null;
  return CallResult.parse({
    status: row.status,
    output: row.output,
    answered_by: row.answeredBy,
    latency_ms: row.latencyMs ?? 0,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    cost_usd: row.costUsd,
    ...(row.error ? { error: row.error } : {}),
    simulated: row.simulated,
  });
}

/**
 * First writer wins: a concurrent or repeated put of the same key changes nothing. The answer and
 * any error text are redacted first: a model may echo a secret it was shown.
 */
export async function putCached(db: Db, key: string, result: CallResult): Promise<void> {
  await db
    .insert(responseCache)
    .values({
      key,
      model: result.answered_by,
      status: result.status,
      output: result.output === null ? null : redactString(result.output),
      answeredBy: result.answered_by === null ? null : redactString(result.answered_by),
      latencyMs: result.latency_ms,
      inputTokens: result.input_tokens,
      outputTokens: result.output_tokens,
      costUsd: result.cost_usd,
      error: result.error ? { ...result.error, message: redactString(result.error.message) } : null,
      simulated: result.simulated,
    })
    .onConflictDoNothing({ target: responseCache.key });
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
