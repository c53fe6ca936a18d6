import { createHash } from 'node:crypto';
import { and, eq, isNotNull, ne } from 'drizzle-orm';
import { CallResult } from '../../domain/call-result.js';
import type { CatalogEntry } from '../../domain/catalog-entry.js';
import { inputKey } from '../../domain/input-key.js';
import type { Message } from '../../domain/traffic-record.js';
import type { Db } from '../db.js';
import { responseCache } from '../schema/outcomes.js';
import { finiteOrNull, int4OrNull, storableText, storableTextOrNull } from '../storable.js';
import { redactString } from '../../redact/redact-text.js';

/**
 * Cache key of a provider call: what identifies the answer. The model's identity (catalog name and
 * the endpoint it points at: re-pointing a name at another server must not reuse old answers), the
 * input key and the params (the decoding parameters among them) in a stable order. Two requests that
 * differ only in the order of their params share a key; any other difference does not.
 */
export function cacheKey(
  model: Pick<CatalogEntry, 'name' | 'base_url' | 'simulated'> & Partial<Pick<CatalogEntry, 'provider' | 'model'>>,
  messages: ReadonlyArray<Pick<Message, 'role' | 'content'>>,
  params: Record<string, unknown>,
): string {
  // Provider kind and upstream id join the endpoint only when set, so entries written before they
  // existed (an openai entry whose upstream id is its name) keep their keys.
  const upstream = model.model !== undefined && model.model !== model.name ? `\u0000${model.model}` : '';
  const kind = model.provider !== undefined && model.provider !== 'openai' ? `\u0000${model.provider}` : '';
  const endpoint = (model.base_url ?? (model.simulated ? 'simulated' : '')) + kind + upstream;
  // Hashed: params can be large (tool schemas) and a btree key has a size limit.
  return createHash('sha256')
    .update(`${model.name}\u0000${endpoint}\u0000${inputKey(messages)}\u0000${stableJson(params)}`)
    .digest('hex');
}

export interface CachedResult {
  result: CallResult;
  /** When the entry was written (or last refreshed). */
  storedAt: Date;
  /** The run whose call stored it (null for entries from before runs were recorded). */
  storedBy: string | null;
}

export async function getCached(db: Db, key: string): Promise<CachedResult | null> {
  const [row] = await db.select().from(responseCache).where(eq(responseCache.key, key)).limit(1);
  if (!row) return null;
  const result = CallResult.parse({
    status: row.status,
    output: row.output,
    answered_by: row.answeredBy,
    latency_ms: row.latencyMs ?? 0,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    cost_usd: row.costUsd,
    ...(row.error ? { error: row.error } : {}),
    ...(row.fingerprint !== null ? { fingerprint: row.fingerprint } : {}),
    simulated: row.simulated,
  });
  return { result, storedAt: row.createdAt, storedBy: row.runId };
}

/**
 * Store a call's result, the answer and any error text redacted first (a model may echo a secret it
 * was shown). A miss is first-writer-wins (a concurrent put of the same key changes
 * nothing); a refresh or an expired entry (`replace`) overwrites, restarting its TTL.
 */
export async function putCached(
  db: Db,
  key: string,
  model: string,
  result: CallResult,
  at: Date,
  replace = false,
  runId: string | null = null,
): Promise<void> {
  const values = {
    key,
    model,
    runId,
    fingerprint: storableTextOrNull(result.fingerprint ?? null),
    // Made storable like an outcome row: a reply's odd value must not fail the chunk's flush.
    status: int4OrNull(result.status) ?? 0,
    output: storableTextOrNull(result.output === null ? null : redactString(result.output)),
    answeredBy: storableTextOrNull(result.answered_by === null ? null : redactString(result.answered_by)),
    latencyMs: finiteOrNull(result.latency_ms),
    inputTokens: int4OrNull(result.input_tokens),
    outputTokens: int4OrNull(result.output_tokens),
    costUsd: finiteOrNull(result.cost_usd),
    error: result.error ? { ...result.error, message: storableText(redactString(result.error.message)) } : null,
    simulated: result.simulated,
    createdAt: at,
  };
  const insert = db.insert(responseCache).values(values);
  if (!replace) {
    await insert.onConflictDoNothing({ target: responseCache.key });
    return;
  }
  const { key: _key, ...set } = values;
  await insert.onConflictDoUpdate({ target: responseCache.key, set });
}

/**
 * The provider reported a new upstream build for this model: every entry it answered under another
 * build is no longer what the model would say, so it goes (the next runs ask again).
 */
export async function dropOtherBuilds(db: Db, model: string, fingerprint: string): Promise<number> {
  const gone = await db
    .delete(responseCache)
    .where(and(eq(responseCache.model, model), isNotNull(responseCache.fingerprint), ne(responseCache.fingerprint, fingerprint)))
    .returning({ key: responseCache.key });
  return gone.length;
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
