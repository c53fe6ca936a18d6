import { asc, eq } from 'drizzle-orm';
import { NotFoundError } from '../../domain/errors.js';
import { NO_SEGMENT, segmentValue } from '../../stats/run-analysis.js';
import type { Db } from '../../store/db.js';
import { proposals } from '../../store/schema/proposals.js';
import { runCases, runOutcomes, runs, runVariants, variantResults } from '../../store/schema/runs.js';
import type { RunDetailData } from './dashboard-data.js';
import { loadRunRows, pickProposal } from './load-runs.js';

/** Metadata fields a scoreboard is usually segmented by, in order of preference. */
const SEGMENT_FIELDS = ['intent', 'segment', 'eval_name', 'category', 'task', 'project'];

export function chooseSegmentField(explicit: string | undefined, metadata: Array<Record<string, unknown>>): string | null {
  if (explicit) return explicit;
  for (const field of SEGMENT_FIELDS) if (metadata.some((m) => m[field] !== undefined && m[field] !== null)) return field;
  return null;
}

export async function loadRunDetail(db: Db, runId: string): Promise<RunDetailData> {
  const [row] = await loadRunRows(db, { runId, limit: 1 });
  if (!row) throw new NotFoundError('run', runId);
  const [extra] = await db.select({ seed: runs.seed, error: runs.error, notes: runs.notes }).from(runs).where(eq(runs.id, runId));
  const props = await db
    .select({ id: proposals.id, status: proposals.status, createdAt: proposals.createdAt, options: proposals.options })
    .from(proposals)
    .where(eq(proposals.runId, runId));
  const caseRows = await db
    .select({
      caseId: runCases.caseId,
      split: runCases.split,
      metadata: runCases.metadata,
      params: runCases.params,
      inputTokens: runCases.inputTokens,
      input: runCases.input,
    })
    .from(runCases)
    .where(eq(runCases.runId, runId))
    .orderBy(asc(runCases.caseId));
  const chosen = pickProposal(props);
  const explicit = props.find((p) => p.id === chosen?.id)?.options.segment_by;
  const segmentBy = chooseSegmentField(
    explicit,
    caseRows.map((c) => c.metadata),
  );
  const outcomes = await db
    .select({
      caseId: runOutcomes.caseId,
      model: runOutcomes.model,
      score: runOutcomes.score,
      pass: runOutcomes.pass,
      costUsd: runOutcomes.costUsd,
      latencyMs: runOutcomes.latencyMs,
      status: runOutcomes.status,
    })
    .from(runOutcomes)
    .where(eq(runOutcomes.runId, runId));
  const variants = await db
    .select({ idx: runVariants.idx, name: runVariants.name, version: runVariants.version, isBaseline: runVariants.isBaseline })
    .from(runVariants)
    .where(eq(runVariants.runId, runId))
    .orderBy(asc(runVariants.idx));
  const results = await db
    .select({
      variantIdx: variantResults.variantIdx,
      caseId: variantResults.caseId,
      quality: variantResults.quality,
      costUsd: variantResults.costUsd,
      latencyMs: variantResults.latencyMs,
      pError: variantResults.pError,
      failure: variantResults.failure,
    })
    .from(variantResults)
    .where(eq(variantResults.runId, runId));
  return {
    run: { ...row, seed: extra?.seed ?? '', error: extra?.error ?? null, notes: extra?.notes ?? [] },
    segmentBy,
    cases: caseRows.map((c) => {
      // The field is named as in propose/report (domain/request-field.ts): metadata.X, X, params.X, input.*.
      const v = segmentBy
        ? segmentValue({ metadata: c.metadata, params: c.params, input_tokens: c.inputTokens, input: c.input }, segmentBy)
        : NO_SEGMENT;
      return { caseId: c.caseId, split: c.split, segment: v === NO_SEGMENT ? null : v };
    }),
    outcomes,
    variants,
    results,
    proposals: props.map((p) => ({ id: p.id, status: p.status })),
  };
}
