/** One (case, model) outcome the run must obtain, shared by every variant that can reach the model. */
export interface Pair {
  case_id: string;
  model: string;
}

/**
 * The union of the models every variant can reach, sorted so that plans are stable. A model reached by
 * eight variants appears once: adding a variant never adds a model call for a model already planned.
 */
export function unionModels(reachable: ReadonlyArray<ReadonlyArray<string>>): string[] {
  const all = new Set<string>();
  for (const list of reachable) for (const m of list) all.add(m);
  return [...all].sort();
}

/** The unique pairs: cases × union of reachable models, case-major so a capped run has whole cases. */
export function planPairs(caseIds: readonly string[], models: readonly string[]): Pair[] {
  const seen = new Set<string>();
  const pairs: Pair[] = [];
  for (const case_id of caseIds) {
    if (seen.has(case_id)) continue;
    seen.add(case_id);
    for (const model of models) pairs.push({ case_id, model });
  }
  return pairs;
}

/** Split case ids (already in plan order) into chunks of at most `size` for chunk jobs. */
export function chunkOf(index: number, size: number): number {
  return Math.floor(index / Math.max(1, size));
}
