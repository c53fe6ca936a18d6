// What each case of a chunk is asked and scored against: messages, params, golden case.
import type { GoldenCase } from '../domain/golden-case.js';
import { replayParams } from '../replay/replay-params.js';
import type { Db } from '../store/db.js';
import { loadGoldenSet } from '../store/repos/golden-repo.js';
import type { PlannedCase } from '../store/repos/run-case-repo.js';
import type { RunRow } from '../store/repos/run-repo.js';
import { goldenSetNameById, loadTrafficInputs } from '../store/repos/run-source-repo.js';
import type { ChunkDeps } from './process-chunk.js';

export interface CaseInput {
  messages: Array<{ role: string; content: string }>;
  params: Record<string, unknown>;
  gcase: GoldenCase;
}
/** Messages, params and the golden case that scores each case of the chunk. */
export async function caseInputs(db: Db, run: RunRow, cases: readonly PlannedCase[], deps: ChunkDeps): Promise<Map<string, CaseInput>> {
  const golden = run.goldenSetId !== null ? await goldenCases(db, run.goldenSetId, deps) : new Map<string, GoldenCase>();
  const out = new Map<string, CaseInput>();
  if (run.sourceKind === 'golden') {
    for (const c of cases) {
      const g = golden.get(c.case_id);
      if (g) out.set(c.case_id, { messages: g.input.messages, params: {}, gcase: g });
    }
    return out;
  }
  const traffic = await loadTrafficInputs(
    db,
    cases.map((c) => c.case_id),
  );
  for (const c of cases) {
    const t = traffic.get(c.case_id);
    if (!t) continue;
    const matched = c.golden_case_id !== null ? golden.get(c.golden_case_id) : undefined;
    out.set(c.case_id, {
      messages: t.messages,
      params: replayParams(t.params),
      gcase: matched ?? againstOriginal(c.case_id, t.messages, t.original),
    });
  }
  return out;
}

/** A sampled case no golden case matches is scored by token F1 against what production answered. */
function againstOriginal(id: string, messages: GoldenCase['input']['messages'], original: string | null): GoldenCase {
  return {
    id,
    input: { messages },
    metadata: {},
    reference: original ?? '',
    assertions: [{ type: 'token_f1', weight: 1 }],
    reviewed: false,
  };
}

async function goldenCases(db: Db, setId: number, deps: ChunkDeps): Promise<Map<string, GoldenCase>> {
  const load = async () => {
    const set = await loadGoldenSet(db, await goldenSetNameById(db, setId));
    return new Map(set.cases.map((g) => [g.id, g]));
  };
  if (!deps.goldenCache) return load();
  let p = deps.goldenCache.get(setId);
  if (!p) {
    p = load();
    deps.goldenCache.set(setId, p);
    p.catch(() => deps.goldenCache?.delete(setId));
  }
  return p;
}
