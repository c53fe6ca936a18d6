import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { NotFoundError } from '../../domain/errors.js';
import type { GoldenCase } from '../../domain/golden-case.js';
import type { Db } from '../db.js';
import { goldenCases, goldenSets } from '../schema/golden.js';

/** Rows per INSERT: well under Postgres' 65,535 bind parameters. */
const BATCH = 500;

export interface ImportedGoldenSet {
  id: number;
  /** Cases new to the set. */
  imported: number;
  /** Cases already in the set (same id) whose body was replaced. */
  updated: number;
}

export interface GoldenSetSummary {
  id: number;
  name: string;
  source: string;
  cases: number;
  unreviewed: number;
  created_at: string;
  updated_at: string;
}

/**
 * Store cases under the named set, creating it on first use. Re-importing the same name upserts by
 * case id: new ids are added, existing ones replaced, and cases absent from this import are kept
 * (a set may be built from several files). One transaction: a failed import leaves nothing half-done.
 */
export async function importGoldenSet(db: Db, name: string, cases: readonly GoldenCase[], source: string): Promise<ImportedGoldenSet> {
  return db.transaction(async (tx) => {
    const [set] = await tx
      .insert(goldenSets)
      .values({ name, source })
      .onConflictDoUpdate({ target: goldenSets.name, set: { source, updatedAt: sql`now()` } })
      .returning({ id: goldenSets.id });
    if (!set) throw new Error(`golden set "${name}" could not be created`);
    const ids = [...new Set(cases.map((c) => c.id))];
    const existing = new Set<string>();
    for (let i = 0; i < ids.length; i += BATCH) {
      const rows = await tx
        .select({ caseId: goldenCases.caseId })
        .from(goldenCases)
        .where(and(eq(goldenCases.setId, set.id), inArray(goldenCases.caseId, ids.slice(i, i + BATCH))));
      for (const r of rows) existing.add(r.caseId);
    }
    for (let i = 0; i < cases.length; i += BATCH) {
      const rows = cases
        .slice(i, i + BATCH)
        .map((c, j) => ({ setId: set.id, caseId: c.id, body: c, reviewed: c.reviewed, position: i + j }));
      await tx
        .insert(goldenCases)
        .values(rows)
        .onConflictDoUpdate({
          target: [goldenCases.setId, goldenCases.caseId],
          set: { body: sql`excluded.body`, reviewed: sql`excluded.reviewed`, position: sql`excluded.position` },
        });
    }
    return { id: set.id, imported: ids.filter((id) => !existing.has(id)).length, updated: existing.size };
  });
}

/** A set's cases in the order they were last imported. */
export async function loadGoldenSet(db: Db, name: string): Promise<{ id: number; name: string; cases: GoldenCase[] }> {
  const [set] = await db.select({ id: goldenSets.id, name: goldenSets.name }).from(goldenSets).where(eq(goldenSets.name, name));
  if (!set) throw new NotFoundError('golden set', name, 'see `routelab golden list`');
  const rows = await db
    .select({ body: goldenCases.body, reviewed: goldenCases.reviewed })
    .from(goldenCases)
    .where(eq(goldenCases.setId, set.id))
    .orderBy(asc(goldenCases.position), asc(goldenCases.caseId));
  // The column is the truth for `reviewed`: a reviewer may flip it without rewriting the body.
  return { ...set, cases: rows.map((r) => ({ ...r.body, reviewed: r.reviewed })) };
}

export async function listGoldenSets(db: Db): Promise<GoldenSetSummary[]> {
  const rows = await db
    .select({
      id: goldenSets.id,
      name: goldenSets.name,
      source: goldenSets.source,
      createdAt: goldenSets.createdAt,
      updatedAt: goldenSets.updatedAt,
      cases: count(goldenCases.caseId),
      unreviewed: sql<number>`count(*) filter (where ${goldenCases.reviewed} = false)::int`,
    })
    .from(goldenSets)
    .leftJoin(goldenCases, eq(goldenCases.setId, goldenSets.id))
    .groupBy(goldenSets.id)
    .orderBy(asc(goldenSets.name));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    source: r.source,
    cases: Number(r.cases),
    unreviewed: Number(r.unreviewed),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  }));
}
