// Read-only lookups of a run's source: the traffic, golden and recorded-outcomes tables.
import { sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { query } from './json-rows.js';

// ── sources (read-only lookups over the traffic, golden and outcomes tables) ────────────────────

/** The id (and sample rate) of a run's source by name, or undefined when there is none. */
export async function findSource(
  db: Db,
  kind: 'sample' | 'golden' | 'outcomes',
  name: string,
): Promise<{ id: number; rate: number } | undefined> {
  const table = kind === 'sample' ? 'samples' : kind === 'golden' ? 'golden_sets' : 'outcome_sets';
  const rate = kind === 'sample' ? 'rate' : '1';
  const rows = await query<{ id: number; rate: number }>(
    db,
    sql`select id, ${sql.raw(rate)}::float8 as rate from ${sql.raw(table)} where name = ${name} limit 1`,
  );
  const r = rows[0];
  return r ? { id: Number(r.id), rate: Number(r.rate) } : undefined;
}

/** Models with at least one row in a recorded-outcomes set. */
export async function recordedModels(db: Db, setId: number): Promise<string[]> {
  const rows = await query<{ model: string }>(db, sql`select distinct model from recorded_outcomes where set_id = ${setId} order by 1`);
  return rows.map((r) => r.model);
}

export interface TrafficInput {
  id: string;
  messages: Array<{ role: string; content: string }>;
  params: Record<string, unknown>;
  /** The original response's text: the reference for sampled cases no golden case matches. */
  original: string | null;
}

/** Request content of some traffic records, by id (a chunk needs its own cases only). */
export async function loadTrafficInputs(db: Db, ids: readonly string[]): Promise<Map<string, TrafficInput>> {
  if (ids.length === 0) return new Map();
  const rows = await query<{
    id: string;
    request: { messages: Array<{ role: string; content: string }>; params: Record<string, unknown> };
    response: { output: string | null };
  }>(db, sql`select id, request, response from traffic where id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`);
  return new Map(
    rows.map((r) => {
      const request = typeof r.request === 'string' ? JSON.parse(r.request) : r.request;
      const response = typeof r.response === 'string' ? JSON.parse(r.response) : r.response;
      return [r.id, { id: r.id, messages: request.messages ?? [], params: request.params ?? {}, original: response?.output ?? null }];
    }),
  );
}

export async function goldenSetNameById(db: Db, id: number): Promise<string> {
  const rows = await query<{ name: string }>(db, sql`select name from golden_sets where id = ${id}`);
  const name = rows[0]?.name;
  if (name === undefined) throw new Error(`golden set #${id} no longer exists`);
  return name;
}
