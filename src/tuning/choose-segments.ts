import { InputError } from '../domain/errors.js';
import type { SegmentDecision } from '../domain/proposal.js';
import { parseField, readField } from '../domain/request-field.js';
import { NO_SEGMENT, segmentValue } from '../stats/run-analysis.js';
import { DEFAULT_GROUP } from './emit-spec.js';
import { globalGrouping, linearScore, standardDeviation, type FitContext, type Grouping } from './grouping.js';
import type { Objective } from './hull-walk.js';
import { mixText, usd1k } from './rationale.js';

/** Segments with fewer train cases than this follow the default rule (`--min-segment-n`). */
export const DEFAULT_MIN_SEGMENT_N = 30;

/**
 * Segment rules: candidates by train size, kept where they beat the global mix in cross-validation.
 * Every candidate's decision (kept or not, and why) is pushed onto `segments`.
 */
export function chooseSegments(
  ctx: FitContext,
  fieldName: string,
  minSegmentN: number | undefined,
  target: Objective,
  segments: SegmentDecision[],
): Grouping | null {
  const parsed = parseField(fieldName);
  if (!parsed.ok) throw new InputError(`--segment-by: ${parsed.message}`);
  const ref = parsed.field;
  const minN = minSegmentN ?? DEFAULT_MIN_SEGMENT_N;
  const { table, trainRows, folds, fitMixes } = ctx;
  // Each case's segment, read once (rows index ctx.cases).
  const segOf = ctx.cases.map((c) => segmentValue(c, fieldName));
  const counts = new Map<string, { value: unknown; train: number; holdout: number }>();
  for (const [i, c] of ctx.cases.entries()) {
    const v = segOf[i] as string;
    const e = counts.get(v) ?? { value: readField(c, ref), train: 0, holdout: 0 };
    if (c.split === 'train') e.train++;
    else e.holdout++;
    counts.set(v, e);
  }
  const eligible = new Set([...counts.entries()].filter(([v, e]) => v !== NO_SEGMENT && e.train >= minN).map(([v]) => v));
  const grouping = (kept: ReadonlySet<string>): Grouping => ({
    kind: 'segments',
    keyOf: (row) => {
      const v = segOf[row] as string;
      return kept.has(v) ? `seg:${v}` : DEFAULT_GROUP;
    },
    rules: [...kept]
      .sort((a, b) => (counts.get(b)?.train ?? 0) - (counts.get(a)?.train ?? 0) || a.localeCompare(b))
      .map((v) => {
        const raw = counts.get(v)?.value;
        return {
          key: `seg:${v}`,
          name: `${fieldName}=${typeof raw === 'string' ? raw : JSON.stringify(raw)}`,
          when: { [ref.name]: { $eq: raw } },
        };
      }),
  });
  // Per segment, summed over the folds: its own mix vs the global mix on the held-out fold.
  const acc = new Map<string, { ownQ: number; ownC: number; globQ: number; globC: number; d: number[]; same: boolean }>();
  for (const held of folds) {
    const heldSet = new Set(held);
    const fitRows = trainRows.filter((r) => !heldSet.has(r));
    const full = fitMixes(grouping(eligible), fitRows, target);
    const glob = fitMixes(globalGrouping, fitRows, target);
    const globMix = glob.solution.mixes.get(DEFAULT_GROUP) ?? {};
    for (const v of eligible) {
      const own = full.solution.mixes.get(`seg:${v}`) ?? globMix;
      const rows = held.filter((r) => segOf[r] === v);
      const e = acc.get(v) ?? { ownQ: 0, ownC: 0, globQ: 0, globC: 0, d: [], same: true };
      if (mixText(own) !== mixText(globMix)) e.same = false;
      for (const r of rows) {
        const o = linearScore(table, [r], own);
        const g = linearScore(table, [r], globMix);
        e.ownQ += o.quality;
        e.ownC += o.cost;
        e.globQ += g.quality;
        e.globC += g.cost;
        e.d.push(o.quality - g.quality);
      }
      acc.set(v, e);
    }
  }
  const lambda = fitMixes(grouping(eligible), trainRows, target).solution.lambda;
  const lam = Number.isFinite(lambda) ? lambda : 0;
  const kept = new Set<string>();
  for (const [v, e] of [...counts.entries()].sort((a, b) => b[1].train - a[1].train || a[0].localeCompare(b[0]))) {
    const decision: SegmentDecision = {
      key: v,
      value: e.value,
      train_n: e.train,
      holdout_n: e.holdout,
      kept: false,
      reason: '',
      mix: null,
    };
    segments.push(decision);
    if (v === NO_SEGMENT) {
      decision.reason = `cases without ${fieldName} follow the default rule`;
      continue;
    }
    if (!eligible.has(v)) {
      decision.reason = `only ${e.train} train cases (< ${minN}): follows the default rule`;
      continue;
    }
    const a = acc.get(v);
    const n = a?.d.length ?? 0;
    if (!a || a.same) decision.reason = 'its best mix is the global one';
    else if (n === 0) decision.reason = 'no cases to cross-validate it on';
    else {
      const own = { q: a.ownQ / n, c: a.ownC / n };
      const glob = { q: a.globQ / n, c: a.globC / n };
      const se = standardDeviation(a.d) / Math.sqrt(n);
      if (own.q - lam * own.c > glob.q - lam * glob.c + 1e-12) {
        kept.add(v);
        decision.kept = true;
        decision.reason = `beats the global mix in cross-validation on ${n} train cases: quality ${own.q.toFixed(3)} vs ${glob.q.toFixed(3)}, ${usd1k(own.c * 1000)} vs ${usd1k(glob.c * 1000)}`;
      } else if (own.c < glob.c && own.q >= glob.q - se) {
        // When the ceiling does not bind, the price of quality is 0 and only quality counts; a
        // rule that is as good within noise for less money still beats the global choice.
        kept.add(v);
        decision.kept = true;
        decision.reason = `as good as the global mix within noise in cross-validation (quality ${own.q.toFixed(3)} vs ${glob.q.toFixed(3)}) and cheaper (${usd1k(own.c * 1000)} vs ${usd1k(glob.c * 1000)})`;
      } else {
        decision.reason = `its own mix does not pay for its cost in cross-validation (quality ${own.q.toFixed(3)} at ${usd1k(own.c * 1000)} vs ${glob.q.toFixed(3)} at ${usd1k(glob.c * 1000)} for the global mix)`;
      }
    }
  }
  if (kept.size === 0) return null;
  const chosen = grouping(kept);
  const fitted = fitMixes(chosen, trainRows, target).solution.mixes;
  for (const s of segments) if (s.kept) s.mix = fitted.get(`seg:${s.key}`) ?? null;
  return chosen;
}
