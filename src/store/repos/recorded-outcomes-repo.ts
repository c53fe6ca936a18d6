import { asc, eq, sql } from 'drizzle-orm';
import { NotFoundError, type Issue } from '../../domain/errors.js';
import type { Outcome, RecordedOutcomeLine } from '../../domain/outcome.js';
import type { Db } from '../db.js';
import { outcomeQuarantine, outcomeSets, recordedOutcomes } from '../schema/outcomes.js';
import { redactorFor, redactString } from '../../redact/redact-text.js';
import { createValueRedactor } from '../../redact/redact-value.js';

const BATCH = 500;

export interface ImportedOutcomes {
  /** Null when the input held no row: no empty set is created. */
  id: number | null;
  /** Rows stored by this import. */
  inserted: number;
  /** (case, model) rows already in the set (a re-import, or the same pair twice in the file). */
  duplicates: number;
}

export interface RecordedCase {
  case_id: string;
  input: string | null;
  metadata: Record<string, unknown>;
}

export interface RecordedOutcomeSet {
  id: number;
  name: string;
  cases: RecordedCase[];
  outcomes: Outcome[];
}

export interface OutcomeSetSummary {
  id: number;
  name: string;
  format: string;
  file: string;
  cases: number;
  models: string[];
  rows: number;
  quarantined: number;
  created_at: string;
}

/**
 * Store rows under the named set (created on first use). Idempotent: (set, case, model) is the
 * natural key and a row already stored is skipped, so a re-import adds nothing. Streams in batches.
 */
export async function importRecordedOutcomes(
  db: Db,
  name: string,
  rows: Iterable<RecordedOutcomeLine> | AsyncIterable<RecordedOutcomeLine>,
  source: { format: string; file: string } = { format: 'jsonl', file: '' },
): Promise<ImportedOutcomes> {
  // The set is created with its first row, so a file with nothing usable leaves nothing behind.
  let id: number | null = null;
  let ord = 0;
  let seen = 0;
  let inserted = 0;
  let batch: RecordedOutcomeLine[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    if (id === null) {
      id = await ensureSet(db, name, source);
      const [max] = await db
        .select({ ord: sql<number>`coalesce(max(${recordedOutcomes.ord}), -1)::int` })
        .from(recordedOutcomes)
        .where(eq(recordedOutcomes.setId, id));
      ord = (max?.ord ?? -1) + 1;
    }
    inserted += await insertBatch(db, id, batch, ord);
    ord += batch.length;
    batch = [];
  };
  for await (const row of rows) {
    seen++;
    batch.push(row);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return { id, inserted, duplicates: seen - inserted };
}

/** Record the rows an import refused, with where they were and why. */
export async function quarantineOutcomeRows(db: Db, setId: number, issues: Issue[]): Promise<void> {
  for (let i = 0; i < issues.length; i += BATCH) {
    const chunk = issues.slice(i, i + BATCH).filter((q) => q.line !== undefined);
    if (chunk.length === 0) continue;
    await db
      .insert(outcomeQuarantine)
      .values(chunk.map((q) => ({ setId, line: q.line as number, reason: redactString(q.message) })))
      .onConflictDoNothing();
  }
}

/** The whole set, cases in file order; a name that was never imported is a NotFoundError (exit 2). */
export async function loadRecordedOutcomes(db: Db, name: string): Promise<RecordedOutcomeSet> {
  const [set] = await db.select().from(outcomeSets).where(eq(outcomeSets.name, name)).limit(1);
  if (!set) throw new NotFoundError('recorded outcome set', name, 'see `routelab outcomes list`');
  const rows = await db
    .select()
    .from(recordedOutcomes)
    .where(eq(recordedOutcomes.setId, set.id))
    .orderBy(asc(recordedOutcomes.ord), asc(recordedOutcomes.caseId), asc(recordedOutcomes.model));
  const cases = new Map<string, RecordedCase>();
  const outcomes: Outcome[] = [];
  for (const r of rows) {
    if (!cases.has(r.caseId)) cases.set(r.caseId, { case_id: r.caseId, input: r.input, metadata: r.metadata });
    const status = r.status ?? 200;
    const ok = status >= 200 && status < 300;
    outcomes.push({
      case_id: r.caseId,
      model: r.model,
      answered_by: r.model,
      status,
      output: r.output,
      // A failed call has no quality (counts as 0 for routing); a recorded score of 0.5 or more passes.
      score: ok ? r.score : null,
      pass: !ok ? false : r.score === null ? null : r.score >= 0.5,
      reason: ok ? 'recorded score' : `recorded status ${status}`,
      cost_usd: r.costUsd,
      latency_ms: r.latencyMs,
      input_tokens: null,
      output_tokens: null,
      source: 'recorded',
    });
  }
  return { id: set.id, name: set.name, cases: [...cases.values()], outcomes };
}

export async function listOutcomeSets(db: Db): Promise<OutcomeSetSummary[]> {
  const sets = await db.select().from(outcomeSets).orderBy(asc(outcomeSets.name));
  const out: OutcomeSetSummary[] = [];
  for (const s of sets) {
    const [counts] = await db
      .select({
        rows: sql<number>`count(*)::int`,
        cases: sql<number>`count(distinct ${recordedOutcomes.caseId})::int`,
        models: sql<string[] | null>`array_agg(distinct ${recordedOutcomes.model})`,
      })
      .from(recordedOutcomes)
      .where(eq(recordedOutcomes.setId, s.id));
    const [q] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(outcomeQuarantine)
      .where(eq(outcomeQuarantine.setId, s.id));
    out.push({
      id: s.id,
      name: s.name,
      format: s.format,
      file: s.file,
      rows: counts?.rows ?? 0,
      cases: counts?.cases ?? 0,
      models: (counts?.models ?? []).filter((m): m is string => typeof m === 'string').sort(),
      quarantined: q?.n ?? 0,
      created_at: s.createdAt.toISOString(),
    });
  }
  return out;
}

async function ensureSet(db: Db, name: string, source: { format: string; file: string }): Promise<number> {
  const [created] = await db
    .insert(outcomeSets)
    .values({ name, format: source.format, file: source.file })
    .onConflictDoNothing({ target: outcomeSets.name })
    .returning({ id: outcomeSets.id });
  if (created) return created.id;
  const [existing] = await db.select({ id: outcomeSets.id }).from(outcomeSets).where(eq(outcomeSets.name, name)).limit(1);
  if (!existing) throw new Error(`outcome set "${name}" vanished while importing`);
  return existing.id;
}

/** One statement per batch with the batch as a single JSON parameter; stored pairs are skipped. */
async function insertBatch(db: Db, setId: number, rows: RecordedOutcomeLine[], firstOrd: number): Promise<number> {
  const payload = JSON.stringify(
    rows.map((r, i) => ({
      case_id: r.case_id,
      model: r.model,
      ord: firstOrd + i,
      // Recorded inputs and answers are traffic too: redacted like an import.
      input: redactNullable(inputText(r.input)),
      output: redactNullable(r.output ?? null),
      score: r.score,
      cost_usd: r.cost_usd ?? null,
      latency_ms: r.latency_ms ?? null,
      status: r.status ?? null,
      metadata: redactValue(r.metadata ?? {}),
    })),
  );
  const result = await db.execute(sql`
    with ins as (
      insert into recorded_outcomes (set_id, case_id, model, ord, input, output, score, cost_usd, latency_ms, status, metadata)
      select ${setId}, x.case_id, x.model, x.ord, x.input, x.output, x.score, x.cost_usd, x.latency_ms, x.status, coalesce(x.metadata, '{}'::jsonb)
      from jsonb_to_recordset(${payload}::jsonb) as x(case_id text, model text, ord int, input text, output text, score float8, cost_usd float8, latency_ms float8, status int, metadata jsonb)
      on conflict do nothing
      returning 1
    )
    select count(*)::int as n from ins`);
  const list = Array.isArray(result) ? (result as Array<{ n: number }>) : (result as unknown as { rows: Array<{ n: number }> }).rows;
  return Number(list[0]?.n ?? 0);
}

const redactNullable = (s: string | null) => (s === null ? null : redactString(s));
const redactValue = (v: unknown) => createValueRedactor(redactorFor()).value(v);

/** A case's input as text: a string as is, anything else (a messages array) as JSON. */
function inputText(input: unknown): string | null {
  if (input === undefined || input === null) return null;
  return typeof input === 'string' ? input : JSON.stringify(input);
}
