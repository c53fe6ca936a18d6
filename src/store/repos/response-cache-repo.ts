import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { CallResult } from '../../domain/call-result.js';
import { inputKey } from '../../domain/input-key.js';
import type { Message } from '../../domain/traffic-record.js';
import type { Db } from '../db.js';
import { responseCache } from '../schema/outcomes.js';
import { finiteOrNull, int4OrNull, storableText, storableTextOrNull } from '../storable.js';

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

/** First writer wins: a concurrent or repeated put of the same key changes nothing. */
export async function putCached(db: Db, key: string, result: CallResult): Promise<void> {
  await db
    .insert(responseCache)
    .values({
      key,
      // Made storable like an outcome row: a reply's odd value must not fail the chunk's flush.
      model: storableTextOrNull(result.answered_by),
      status: int4OrNull(result.status) ?? 0,
      output: storableTextOrNull(result.output),
      answeredBy: storableTextOrNull(result.answered_by),
      latencyMs: finiteOrNull(result.latency_ms),
      inputTokens: int4OrNull(result.input_tokens),
      outputTokens: int4OrNull(result.output_tokens),
      costUsd: finiteOrNull(result.cost_usd),
      error: result.error ? { ...result.error, message: storableText(result.error.message) } : null,
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
