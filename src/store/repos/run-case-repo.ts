// A run's planned cases (run_cases).
import { and, asc, eq, sql } from 'drizzle-orm';
import type { RunCase, Split } from '../../domain/run.js';
import type { Db } from '../db.js';
import { runCases } from '../schema/runs.js';
import { insertJsonRows, query } from './json-rows.js';

/** A case as planned: the evaluator's view plus which chunk owns it and which golden case scores it. */
export interface PlannedCase extends RunCase {
  chunk: number;
  golden_case_id: string | null;
}
// ── cases ───────────────────────────────────────────────────────────────────────────────────────

const CASE_COLUMNS = [
  ['run_id', 'text'],
  ['case_id', 'text'],
  ['split', 'text'],
  ['ts', 'timestamptz'],
  ['metadata', 'jsonb'],
  ['params', 'jsonb'],
  ['input_tokens', 'integer'],
  ['input', 'jsonb'],
  ['chunk', 'integer'],
  ['golden_case_id', 'text'],
] as const;

export async function insertRunCases(db: Db, runId: string, cases: readonly PlannedCase[]): Promise<number> {
  return insertJsonRows(
    db,
    'run_cases',
    CASE_COLUMNS,
    cases.map((c) => ({
      run_id: runId,
      case_id: c.case_id,
      split: c.split,
      ts: c.timestamp,
      metadata: c.metadata,
      params: c.params,
      input_tokens: Math.round(c.input_tokens),
      input: c.input ?? null,
      chunk: c.chunk,
      golden_case_id: c.golden_case_id,
    })),
  );
}

export async function countRunCases(db: Db, runId: string): Promise<number> {
  const r = await query<{ n: number }>(db, sql`select count(*)::int as n from run_cases where run_id = ${runId}`);
  return Number(r[0]?.n ?? 0);
}

function toPlanned(c: typeof runCases.$inferSelect): PlannedCase {
  return {
    case_id: c.caseId,
    split: c.split as Split,
    timestamp: c.ts ? c.ts.toISOString() : null,
    metadata: c.metadata,
    params: c.params,
    input_tokens: c.inputTokens,
    input: c.input ?? null,
    chunk: c.chunk,
    golden_case_id: c.goldenCaseId,
  };
}

export async function loadCases(db: Db, runId: string, chunk?: number): Promise<PlannedCase[]> {
  const where = chunk === undefined ? eq(runCases.runId, runId) : and(eq(runCases.runId, runId), eq(runCases.chunk, chunk));
  const rows = await db.select().from(runCases).where(where).orderBy(asc(runCases.caseId));
  return rows.map(toPlanned);
}
