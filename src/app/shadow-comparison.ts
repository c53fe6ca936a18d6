import { md } from '../report/escape.js';
import type { Db } from '../store/db.js';
import { compareShadowOutcomes, type ShadowComparison } from '../store/repos/shadow-repo.js';

/** The shadow outcomes a nightly reads: those stored in the day before its run started. */
export const SHADOW_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * What `serve --shadow VARIANT` stored since the last nightly, for the policy this nightly runs:
 * each shadow variant against what the live policy served for the same requests.
 */
export async function shadowComparisons(db: Db, policy: string, runStartedAt: Date): Promise<ShadowComparison[]> {
  return compareShadowOutcomes(db, { policy, since: new Date(runStartedAt.getTime() - SHADOW_WINDOW_MS), until: runStartedAt });
}

const pct = (n: number, d: number) => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)}%`);
const ms = (x: number | null) => (x === null ? '–' : `${Math.round(x)} ms`);
const per1k = (x: number | null) => (x === null ? '–' : `$${(x * 1000).toFixed(4)}`);

/** The report section: one table per shadow variant, served policy beside it (none without shadow outcomes). */
export function shadowSection(policy: string, comparisons: readonly ShadowComparison[]): string[] {
  if (comparisons.length === 0) return [];
  const L: string[] = ['## Shadow traffic', ''];
  for (const c of comparisons) {
    L.push(
      `Shadow variant **${md(c.variant)}** was sent copies of ${c.requests} live request(s) to ${md(policy)} (${c.first_ts ?? '?'} to ${c.last_ts ?? '?'}), after their answers; the same requests on both sides.`,
      '',
      `| | served (${md(policy)}) | shadow (${md(c.variant)}) |`,
      '| --- | ---: | ---: |',
      `| answered (2xx) | ${pct(c.live_ok, c.requests)} | ${pct(c.shadow_ok, c.requests)} |`,
      `| mean upstream latency (${c.latency_pairs} pairs) | ${ms(c.live_latency_ms)} | ${ms(c.shadow_latency_ms)} |`,
      `| cost per 1k requests (${c.cost_pairs} pairs) | ${per1k(c.live_cost_usd)} | ${per1k(c.shadow_cost_usd)} |`,
      `| answered by the same model as served | | ${pct(c.same_model, c.requests)} |`,
      '',
    );
  }
  return L;
}

/** One line for the nightly's report step (runs show). */
export function shadowSummary(comparisons: readonly ShadowComparison[]): string {
  return comparisons
    .map(
      (c) =>
        `shadow ${c.variant}: ${c.requests} req, 2xx ${pct(c.shadow_ok, c.requests)} vs ${pct(c.live_ok, c.requests)} served, cost/1k ${per1k(c.shadow_cost_usd)} vs ${per1k(c.live_cost_usd)}`,
    )
    .join('; ');
}
