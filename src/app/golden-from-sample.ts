import { InputError } from '../domain/errors.js';
import type { Assertion, GoldenCase } from '../domain/golden-case.js';
import type { TrafficRecord } from '../domain/traffic-record.js';
import type { Db } from '../store/db.js';
import { importGoldenSet } from '../store/repos/golden-repo.js';
import { loadSampleRecords } from '../store/repos/sample-repo.js';

/** The env variable naming the default judge model for bootstrapped sets. */
export const JUDGE_MODEL_ENV = 'ROUTELAB_JUDGE_MODEL';

export interface GoldenFromSample {
  name: string;
  id: number;
  sample: string;
  cases: number;
  imported: number;
  updated: number;
  skipped: number;
  judge_model: string | null;
}

/** `golden from-sample`: an unreviewed golden set from a traffic sample, its original answers as references. */
export async function goldenFromSample(
  db: Db,
  opts: { sample: string; name: string; judgeModel: string | undefined },
): Promise<GoldenFromSample> {
  const { sample, records } = await loadSampleRecords(db, opts.sample);
  const { cases, skipped } = casesFromRecords(records, opts.judgeModel);
  if (cases.length === 0) {
    throw new InputError(
      `sample "${opts.sample}" has no record with a request and a successful answer to use as a reference (${records.length} record${plural(records.length)})`,
    );
  }
  const counts = await importGoldenSet(db, opts.name, cases, `sample:${sample.name}`);
  return {
    name: opts.name,
    id: counts.id,
    sample: sample.name,
    cases: cases.length,
    imported: counts.imported,
    updated: counts.updated,
    skipped,
    judge_model: opts.judgeModel ?? null,
  };
}

/**
 * One case per usable record: its request as the input, its original answer as the candidate
 * reference, unreviewed. Default assertions: token F1 against the reference (cheap, always there)
 * and, when a judge model is configured, a pairwise judge (is the new answer at least as good as
 * what production answered?), which catches paraphrases token overlap misses.
 */
export function casesFromRecords(
  records: readonly TrafficRecord[],
  judgeModel: string | undefined,
): { cases: GoldenCase[]; skipped: number } {
  const cases: GoldenCase[] = [];
  let skipped = 0;
  for (const r of records) {
    const status = r.response.status;
    const answered = r.response.output !== null && r.response.output.trim() !== '' && (status === null || (status >= 200 && status < 300));
    if (!r.replayable || r.request.messages.length === 0 || !answered) {
      skipped++;
      continue;
    }
    const assertions: Assertion[] = [{ type: 'token_f1', weight: 1 }];
    if (judgeModel) assertions.push({ type: 'judge', mode: 'pairwise', model: judgeModel, weight: 1 });
    cases.push({
      id: r.id,
      input: { messages: r.request.messages },
      metadata: { ...r.metadata, source_model: r.response.model },
      reference: r.response.output ?? undefined,
      assertions,
      reviewed: false,
      timestamp: r.timestamp,
    });
  }
  return { cases, skipped };
}

const plural = (n: number) => (n === 1 ? '' : 's');
