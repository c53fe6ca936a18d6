// How `run` and `runs show` print a run: the summary table, cache figures and nightly steps.
import { sanitizeInline } from '../../domain/sanitize.js';
import type { RunReport } from '../../jobs/run-summary.js';
import type { RunStep } from '../../store/repos/nightly-repo.js';
import type { CliContext } from '../context.js';
import { println, table } from '../output.js';

export function printSteps(ctx: CliContext, steps: readonly RunStep[]): void {
  if (steps.length === 0) return;
  println(ctx);
  for (const s of steps)
    println(
      ctx,
      `${s.status === 'failed' ? '✗' : s.status === 'skipped' ? '-' : '✓'} ${s.step.padEnd(8)} ${sanitizeInline(s.detail ?? '').slice(0, 68)}`,
    );
}
export function printReport(ctx: CliContext, r: RunReport): void {
  const cov = r.coverage !== null && r.coverage < 1 ? ` · coverage ${(r.coverage * 100).toFixed(1)}%` : '';
  println(ctx, `run ${r.run_id} ${r.status} · policy ${r.policy} · ${r.source.kind} ${r.source.name}${cov}`);
  println(
    ctx,
    `${r.pairs} pairs: ${r.model_calls} model calls, ${r.cache_hits} cache hits, ${r.recorded} recorded · spent ${usd(r.cost_usd)}${r.cost_cap_usd !== null ? ` of ${usd(r.cost_cap_usd)} cap` : ''}`,
  );
  if (r.cache.length > 0) {
    const mode = r.cache_mode === 'use' ? `refresh rate ${r.refresh_rate}` : r.cache_mode === 'off' ? 'cache off' : 'cache only';
    println(ctx, `cache (${mode}), per model: hits / misses / refreshes`);
    for (const m of r.cache) println(ctx, `  ${sanitizeInline(m.model).slice(0, 50).padEnd(50)} ${m.hits} / ${m.misses} / ${m.refreshes}`);
  }
  println(ctx);
  println(
    ctx,
    table(
      ['variant', 'ver', 'cases', 'quality', 'cost/1k', 'p95 ms', 'errors'],
      r.variants.map((v, i) => [
        i === 0 ? `${v.name} (baseline)` : v.name,
        v.version ?? 'file',
        v.cases,
        v.quality.toFixed(3),
        usd(v.cost_per_1k),
        Math.round(v.p95_ms),
        `${(v.error_rate * 100).toFixed(1)}%`,
      ]),
    ),
  );
  for (const n of r.notes) println(ctx, `note: ${n}`);
  if (r.error) println(ctx, `error: ${r.error}`);
}

export const usd = (n: number) => (n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(4)}`);
