import { inputKey } from '../domain/input-key.js';
import type { Outcome } from '../domain/outcome.js';
import { requestInput } from '../domain/request-input.js';
import { reachableModels } from '../policy/index.js';
import { chunkOf, planPairs, unionModels } from '../replay/plan-pairs.js';
import { splitOf } from '../replay/split.js';
import { estimateTokens } from '../replay/token-estimate.js';
import type { Db } from '../store/db.js';
import { loadGoldenSet } from '../store/repos/golden-repo.js';
import { loadRecordedOutcomes } from '../store/repos/recorded-outcomes-repo.js';
import { countRunCases, insertRunCases, type PlannedCase } from '../store/repos/run-case-repo.js';
import { getRun, getVariants, markPlanned, type RunRow } from '../store/repos/run-repo.js';
import { goldenSetNameById } from '../store/repos/run-source-repo.js';
import { insertOutcomes } from '../store/repos/run-outcome-repo.js';
import { loadSampleRecords } from '../store/repos/sample-repo.js';

export const DEFAULT_CHUNK_SIZE = 50;

export interface PlannedRun {
  run_id: string;
  pairs: number;
  chunks: number[];
}

/**
 * Turn the run's source into its cases (split by a seeded hash of the case id, assigned to chunks)
 * and count the unique (case, model) pairs over every variant's reachable models. Idempotent: a run
 * already planned is returned as it is. A recorded-outcomes run stores its outcomes here — it calls
 * no model, so its chunks have nothing left to fetch.
 */
export async function planRun(db: Db, runId: string, options: { chunkSize?: number } = {}): Promise<PlannedRun> {
  const run = await getRun(db, runId);
  if (!run) throw new Error(`run ${runId} does not exist`);
  if ((await countRunCases(db, runId)) > 0 && run.chunks > 0) return { run_id: runId, pairs: run.pairs, chunks: range(run.chunks) };

  const variants = await getVariants(db, runId);
  const models = unionModels(variants.map((v) => reachableModels(v.spec)));
  const size = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const { cases, notes, recorded } = await casesOf(db, run);
  cases.forEach((c, i) => (c.chunk = chunkOf(i, size)));

  await insertRunCases(db, runId, cases);
  if (recorded.length > 0) await insertOutcomes(db, runId, recorded);
  const pairs = planPairs(
    cases.map((c) => c.case_id),
    models,
  ).length;
  const chunks = cases.length === 0 ? 0 : chunkOf(cases.length - 1, size) + 1;
  await markPlanned(db, runId, { pairs, chunks, notes });
  return { run_id: runId, pairs, chunks: range(chunks) };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

interface SourceCases {
  cases: PlannedCase[];
  notes: string[];
  recorded: Outcome[];
}

async function casesOf(db: Db, run: RunRow): Promise<SourceCases> {
  const split = (id: string) => splitOf(id, run.seed, run.holdout);
  switch (run.sourceKind) {
    case 'golden': {
      const set = await loadGoldenSet(db, run.sourceName);
      const cases = set.cases.map((g): PlannedCase => ({
        case_id: g.id,
        split: split(g.id),
        timestamp: g.timestamp ?? null,
        metadata: g.metadata,
        params: {},
        input_tokens: estimateTokens(g.input.messages),
        input: requestInput(g.input.messages),
        chunk: 0,
        golden_case_id: g.id,
      }));
      return { cases, notes: [], recorded: [] };
    }
    case 'outcomes': {
      const set = await loadRecordedOutcomes(db, run.sourceName);
      const cases = set.cases.map((c): PlannedCase => ({
        case_id: c.case_id,
        split: split(c.case_id),
        timestamp: null,
        metadata: c.metadata,
        params: {},
        input_tokens: estimateTokens([{ content: c.input ?? '' }]),
        input: requestInput([{ role: 'user', content: c.input ?? '' }]),
        chunk: 0,
        golden_case_id: null,
      }));
      return { cases, notes: ['outcomes are recorded: no model was called; scores are the recorded ones'], recorded: set.outcomes };
    }
    case 'sample': {
      const { records } = await loadSampleRecords(db, run.sourceName);
      const golden = new Map<string, string>();
      if (run.goldenSetId !== null) {
        const set = await goldenSetById(db, run);
        for (const g of set) golden.set(inputKey(g.input.messages), g.id);
      }
      const cases: PlannedCase[] = [];
      let unmatched = 0;
      let unscorable = 0;
      for (const r of records) {
        if (!r.replayable || r.request.messages.length === 0) continue;
        const match = golden.get(inputKey(r.request.messages)) ?? null;
        if (match === null) {
          // Without a golden case the original response is the reference; without one there is nothing to score.
          if (!r.response.output) {
            unscorable++;
            continue;
          }
          unmatched++;
        }
        cases.push({
          case_id: r.id,
          split: split(r.id),
          timestamp: r.timestamp,
          metadata: r.metadata,
          params: r.request.params,
          input_tokens: r.response.input_tokens ?? estimateTokens(r.request.messages),
          input: requestInput(r.request.messages, r.request.params),
          chunk: 0,
          golden_case_id: match,
        });
      }
      const notes: string[] = [];
      if (unmatched > 0)
        notes.push(`${unmatched} sampled case(s) matched no golden case: scored by token F1 against the original response`);
      if (unscorable > 0)
        notes.push(`${unscorable} sampled case(s) had no golden match and no original response to compare with: left out`);
      return { cases, notes, recorded: [] };
    }
    default:
      throw new Error(`run ${run.id} has an unknown source kind "${run.sourceKind}"`);
  }
}

async function goldenSetById(db: Db, run: RunRow) {
  return (await loadGoldenSet(db, await goldenSetNameById(db, run.goldenSetId as number))).cases;
}
