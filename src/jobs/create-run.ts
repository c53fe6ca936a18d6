import { InputError, NotFoundError } from '../domain/errors.js';
import type { Clock } from '../domain/rng.js';
import { parsePolicyTextOrThrow, reachableModels } from '../policy/index.js';
import { unionModels } from '../replay/plan-pairs.js';
import type { Db } from '../store/db.js';
import { getModels } from '../store/repos/catalog-repo.js';
import { getActiveVersion } from '../store/repos/policy-repo.js';
import { findSource, recordedModels } from '../store/repos/run-source-repo.js';
import { getRunBySlot, insertRun, type RunVariant } from '../store/repos/run-repo.js';
import { newRunId } from './run-id.js';
import { RunRequest, type VariantRef } from './run-request.js';

export interface CreatedRun {
  run_id: string;
  /** False when a nightly slot already had its run (the trigger fired twice): run_id is that run's. */
  created: boolean;
}

/**
 * Resolve and validate a run request, then store the run (status queued) and its variants. Every
 * problem a user can fix is an InputError naming the flag: an unknown policy, sample or set, a
 * variant reaching a model the catalog (or the recorded set) does not have.
 */
export async function createRun(db: Db, request: RunRequest, deps: { clock: Clock }): Promise<CreatedRun> {
  const req = RunRequest.parse(request);
  const base = await activeVersion(db, req.policy, '--policy');
  const variants: RunVariant[] = [
    { idx: 0, name: req.policy, version: base.version, versionId: base.versionId, spec: base.spec, isBaseline: true },
  ];
  for (const [i, ref] of req.variants.entries()) variants.push(await resolveVariant(db, ref, i + 1));

  if (req.golden && req.source.kind !== 'sample')
    throw new InputError(`--golden: a golden set scores a --sample run; with --${req.source.kind} give only one source`);
  const source = await findSource(db, req.source.kind, req.source.name);
  if (!source) throw new NotFoundError(sourceNoun(req.source.kind), req.source.name, `--${req.source.kind}`);
  let goldenSetId: number | null = req.source.kind === 'golden' ? source.id : null;
  if (req.golden) {
    const g = await findSource(db, 'golden', req.golden);
    if (!g) throw new NotFoundError('golden set', req.golden, '--golden; see `routelab golden list`');
    goldenSetId = g.id;
  }

  const reach = variants.map((v) => ({ v, models: reachableModels(v.spec) }));
  for (const { v, models } of reach) {
    if (models.length === 0) throw new InputError(`variant "${v.name}" reaches no model (no targets and no rule targets)`);
  }
  const models = unionModels(reach.map((r) => r.models));
  const known =
    req.source.kind === 'outcomes' ? new Set(await recordedModels(db, source.id)) : new Set((await getModels(db, models)).keys());
  for (const { v, models: ms } of reach) {
    const missing = ms.filter((m) => !known.has(m));
    if (missing.length === 0) continue;
    throw new InputError(
      req.source.kind === 'outcomes'
        ? `--outcomes ${req.source.name}: has no outcomes for ${missing.join(', ')} (reached by variant "${v.name}"); a run over recorded outcomes calls no model`
        : `model ${missing.join(', ')} (reached by variant "${v.name}") is not in the model catalog; add it with \`routelab models import\``,
    );
  }

  const now = deps.clock.now();
  const id = newRunId(now);
  const created = await insertRun(
    db,
    {
      id,
      policyId: base.policyId,
      baseVersionId: base.versionId,
      sourceKind: req.source.kind,
      sourceName: req.source.name,
      sourceId: source.id,
      goldenSetId,
      status: 'queued',
      seed: req.seed ?? id,
      holdout: req.holdout,
      costCapUsd: req.cost_cap_usd ?? null,
      rate: source.rate > 0 && source.rate <= 1 ? source.rate : 1,
      scheduleSlot: req.schedule_slot ?? null,
      cacheMode: req.cache,
      refreshRate: req.refresh_rate,
      nightly: req.nightly ?? null,
      createdAt: new Date(now),
    },
    variants,
  );
  if (!created && req.schedule_slot) {
    const existing = await getRunBySlot(db, base.policyId, req.schedule_slot);
    if (existing) return { run_id: existing.id, created: false };
  }
  return { run_id: id, created };
}

async function activeVersion(db: Db, name: string, flag: string) {
  const v = await getActiveVersion(db, name).catch((e: unknown) => {
    if (e instanceof NotFoundError) throw new NotFoundError('policy', name, `${flag}; see \`routelab policy list\``);
    throw e;
  });
  if (!v) throw new NotFoundError('policy', name, `${flag}; see \`routelab policy list\``);
  return v;
}

async function resolveVariant(db: Db, ref: VariantRef, idx: number): Promise<RunVariant> {
  if (ref.kind === 'policy') {
    const v = await activeVersion(db, ref.name, '--variant');
    return { idx, name: ref.name, version: v.version, versionId: v.versionId, spec: v.spec, isBaseline: false };
  }
  // A file is evaluated as it is, not registered: it has no version until someone imports it.
  const parsed = parsePolicyTextOrThrow(ref.text, { file: ref.file });
  return { idx, name: parsed.spec.name, version: null, versionId: null, spec: parsed.spec, isBaseline: false };
}

function sourceNoun(kind: 'sample' | 'golden' | 'outcomes'): string {
  return kind === 'sample' ? 'sample' : kind === 'golden' ? 'golden set' : 'recorded outcome set';
}
