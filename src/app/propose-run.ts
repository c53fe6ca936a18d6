import { InputError, NotFoundError } from '../domain/errors.js';
import type { ProposalOptions } from '../domain/proposal.js';
import { parseField, readField } from '../domain/request-field.js';
import { sanitizeInline } from '../domain/sanitize.js';
import type { Db } from '../store/db.js';
import { createProposal, findProposal, type StoredProposal } from '../store/repos/proposal-repo.js';
import { loadRunData } from '../store/repos/run-result-repo.js';
import { frontierSection, frontierSvg } from '../report/frontier-chart.js';
import { defaultReportDir, writeReport } from '../report/index.js';
import { frontierCurve, optionsKey, proposalId, propose, type FrontierCurve, type ProposeInput } from '../tuning/index.js';

/**
 * Propose for a stored run and store the result once per (run, options). The same run and options
 * return the stored proposal unchanged (its review status included) without recomputing.
 */
export async function proposeForRun(
  db: Db,
  runId: string,
  options: ProposalOptions,
): Promise<{ proposal: StoredProposal; created: boolean }> {
  const key = optionsKey(options);
  const existing = await findProposal(db, runId, key);
  if (existing) return { proposal: existing, created: false };
  const { data, input } = await proposeInputFor(db, runId, options);
  const draft = propose(input);
  return createProposal(db, {
    id: proposalId(runId, key),
    runId,
    policyId: data.run.policyId,
    baseVersionId: data.run.baseVersionId,
    optionsKey: key,
    options,
    status: draft.status,
    spec: draft.policy,
    train: draft.train,
    holdout: draft.holdout,
    baseline: draft.baseline,
    holdoutDiff: draft.holdout_diff,
    rationale: draft.rationale,
    details: {
      reason: draft.reason,
      recommended: draft.recommended,
      constraint: draft.constraint,
      learner: draft.learner,
      rules: draft.rules,
      segments: draft.segments,
      cost_diff: draft.cost_diff,
      holm: draft.holm,
      margin: draft.margin,
      refit_cases: draft.refit_cases,
    },
  });
}

/** The run's data as the pure proposer takes it, after the checks a user's mistake fails (exit 2). */
async function proposeInputFor(
  db: Db,
  runId: string,
  options: ProposalOptions,
): Promise<{ data: NonNullable<Awaited<ReturnType<typeof loadRunData>>>; input: ProposeInput }> {
  const data = await loadRunData(db, runId);
  if (!data) throw new NotFoundError('run', runId, 'see `routelab runs list`');
  if (data.run.status !== 'completed')
    throw new InputError(`run ${runId} is ${data.run.status}: propose needs a completed run (see \`routelab runs show ${runId}\`)`);
  const base = data.variants.find((v) => v.isBaseline);
  if (!base) throw new InputError(`run ${runId} has no baseline variant (the policy's active version) to compare with`);
  if (options.segment_by) {
    const parsed = parseField(options.segment_by);
    if (!parsed.ok) throw new InputError(`--segment-by: ${sanitizeInline(parsed.message)}`);
    const field = parsed.field;
    if (!data.cases.some((c) => readField(c, field) !== undefined)) {
      const seen = [...new Set(data.cases.flatMap((c) => Object.keys(c.metadata)))].sort().slice(0, 12);
      throw new InputError(
        `--segment-by: no case of run ${runId} has ${sanitizeInline(field.name)}${seen.length ? ` (metadata fields seen: ${seen.map((s) => sanitizeInline(s)).join(', ')})` : ''}`,
      );
    }
  }
  return {
    data,
    input: {
      runId,
      seed: data.run.seed,
      rate: data.run.rate,
      baseline: { name: base.name, version: base.version, spec: base.spec, results: data.results.get(base.idx) ?? [] },
      cases: data.cases,
      outcomes: data.outcomes,
      options,
    },
  };
}

/**
 * `propose --frontier`: proposals across ceilings (5–100% of the best single model's cost), each
 * scored on the holdout, next to that model, the oracle and random mixes; written as a report
 * section (frontier.md + frontier.svg) beside the run report.
 */
export async function proposalFrontier(
  db: Db,
  runId: string,
  options: ProposalOptions,
  dir?: string,
): Promise<{ curve: FrontierCurve; path: string }> {
  const { input } = await proposeInputFor(db, runId, options);
  const curve = frontierCurve(input);
  const out = dir ?? defaultReportDir(runId);
  const path = writeReport(out, { 'frontier.md': frontierSection(curve, 'frontier.svg'), 'frontier.svg': frontierSvg(curve) }).replace(
    /report\.md$/,
    'frontier.md',
  );
  return { curve, path };
}
