/**
 * Columns that describe the answer, not the request: which model was right (RouterBench's
 * `oracle_model_to_route_to`), correctness, scores, judge verdicts, references. Kept as metadata they
 * become routable fields, and a proposer segmenting on them "routes on the answer" — a policy that
 * looks perfect offline and cannot exist online. Importers drop them from case metadata and say so.
 */
const LABEL_PATTERNS: readonly RegExp[] = [
  /oracle/i,
  /(^|[_\s.-])(correct|correctness|is_correct|accuracy|score|scores|label|labels|winner|preference|judge|judgement|judgment|reward|rating|gold|reference|expected|ground_truth|answer|target)([_\s.-]|$)/i,
];

export function isLabelColumn(name: string): boolean {
  return LABEL_PATTERNS.some((p) => p.test(name));
}

/** Which metadata columns an import kept (routable) and which it dropped as labels. */
export interface ColumnReport {
  kept: Set<string>;
  labels: Set<string>;
}

export function newColumnReport(): ColumnReport {
  return { kept: new Set(), labels: new Set() };
}

/** The metadata without its label columns; what was kept and dropped is noted in `report`. */
export function withoutLabels(metadata: Record<string, unknown>, report: ColumnReport): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(metadata)) {
    if (isLabelColumn(key)) {
      report.labels.add(key);
      out ??= { ...metadata };
      delete out[key];
    } else report.kept.add(key);
  }
  return out ?? metadata;
}
