import type { Outcome } from '../domain/outcome.js';

/** case id → model → the one stored outcome of that pair. */
export type OutcomeMatrix = ReadonlyMap<string, ReadonlyMap<string, Outcome>>;

export function buildOutcomeMatrix(outcomes: Iterable<Outcome>): OutcomeMatrix {
  const matrix = new Map<string, Map<string, Outcome>>();
  for (const o of outcomes) {
    let row = matrix.get(o.case_id);
    if (!row) matrix.set(o.case_id, (row = new Map()));
    row.set(o.model, o);
  }
  return matrix;
}

/** Models among `needed` that have no outcome for the case (a capped or failed fetch). */
export function missingModels(matrix: OutcomeMatrix, caseId: string, needed: readonly string[]): string[] {
  const row = matrix.get(caseId);
  return needed.filter((m) => !row?.has(m));
}
