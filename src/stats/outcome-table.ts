import type { Outcome } from '../domain/outcome.js';

/**
 * The run's outcome matrix as dense typed arrays, case-major (`[case * models + model]`), so the
 * frontier, the baselines and the optimiser scan it without maps. A failed call counts as quality
 * 0 (DESIGN.md: failures route as zero quality); unknown cost counts as 0, unknown latency as NaN.
 */
export interface OutcomeTable {
  caseIds: string[];
  /** Sorted, so every derived figure is independent of outcome order. */
  models: string[];
  quality: Float64Array;
  cost: Float64Array;
  latency: Float64Array;
  /** 1 when the model answered (2xx), else 0. */
  ok: Uint8Array;
  /** 1 when the scorer passed it (or, without a verdict, quality ≥ 0.5). */
  pass: Uint8Array;
}

/**
 * How one outcome counts everywhere figures are shown (report, dashboard, proposals): a failed call
 * (non-2xx) scores 0 and does not pass; without a scorer verdict, quality ≥ 0.5 passes.
 */
export function outcomeMeasure(o: Pick<Outcome, 'status' | 'score' | 'pass'>): { ok: boolean; quality: number; pass: boolean } {
  const ok = o.status >= 200 && o.status < 300;
  const quality = ok ? (o.score ?? 0) : 0;
  return { ok, quality, pass: ok && (o.pass ?? quality >= 0.5) };
}

export function buildOutcomeTable(caseIds: readonly string[], outcomes: readonly Outcome[]): OutcomeTable {
  const models = [...new Set(outcomes.map((o) => o.model))].sort();
  const M = models.length;
  const modelIdx = new Map(models.map((m, i) => [m, i]));
  const caseIdx = new Map(caseIds.map((c, i) => [c, i]));
  const size = caseIds.length * M;
  const table: OutcomeTable = {
    caseIds: [...caseIds],
    models,
    quality: new Float64Array(size),
    cost: new Float64Array(size),
    latency: new Float64Array(size).fill(Number.NaN),
    ok: new Uint8Array(size),
    pass: new Uint8Array(size),
  };
  for (const o of outcomes) {
    const c = caseIdx.get(o.case_id);
    const m = modelIdx.get(o.model);
    if (c === undefined || m === undefined) continue;
    const at = c * M + m;
    const { ok, quality: q, pass } = outcomeMeasure(o);
    table.quality[at] = q;
    table.cost[at] = o.cost_usd ?? 0;
    table.latency[at] = o.latency_ms ?? Number.NaN;
    table.ok[at] = ok ? 1 : 0;
    table.pass[at] = pass ? 1 : 0;
  }
  return table;
}

/** Indices of the table's cases whose id is in `ids` (keeps table order). */
export function rowsOf(table: OutcomeTable, ids: ReadonlySet<string>): number[] {
  const rows: number[] = [];
  table.caseIds.forEach((id, i) => {
    if (ids.has(id)) rows.push(i);
  });
  return rows;
}

export function allRows(table: OutcomeTable): number[] {
  return table.caseIds.map((_, i) => i);
}
