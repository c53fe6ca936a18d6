import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sanitizeInline } from '../domain/sanitize.js';
import type { DemoResult } from './run-demo.js';
import { DEMO_NAMES } from './demo-files.js';

const money = (x: number) => `$${x.toFixed(2)}`;
const q = (x: number) => x.toFixed(3);
const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pts`;

/** The plain summary printed at the end of the demo (and instead of the dashboard off a TTY). */
export function demoSummary(r: DemoResult): string {
  const L: string[] = [];
  L.push('');
  L.push(`routelab demo — nightly run ${r.run.run_id} of policy "${DEMO_NAMES.policy}" (models are SIMULATED)`);
  L.push('');
  L.push(`  ${'variant'.padEnd(30)} ${'quality'.padStart(8)} ${'cost/1k'.padStart(9)} ${'p95 ms'.padStart(8)} ${'errors'.padStart(7)}`);
  for (const v of r.run.variants) {
    L.push(
      `  ${sanitizeInline(v.name).padEnd(30)} ${q(v.quality).padStart(8)} ${money(v.cost_per_1k).padStart(9)} ${String(Math.round(v.p95_ms)).padStart(8)} ${`${(v.error_rate * 100).toFixed(1)}%`.padStart(7)}`,
    );
  }
  L.push('');
  const p = r.proposal;
  const d = p.holdout_diff;
  if (p.status === 'pending') {
    L.push(
      `Proposal ${p.proposal_id} (cost ≤ ${p.options.max_cost_ratio ?? '-'}× current, rules by ${p.options.segment_by ?? '-'}), on the held-out cases:`,
    );
    L.push(
      `  quality ${q(p.baseline.quality)} → ${q(p.holdout.quality)} (${pct(d.mean)}, 95% CI ${pct(d.ci[0])} to ${pct(d.ci[1])}, p=${d.p_value.toPrecision(2)})`,
    );
    L.push(
      `  cost/1k ${money(p.baseline.cost_per_1k)} → ${money(p.holdout.cost_per_1k)}; p95 ${Math.round(p.baseline.p95_ms)} → ${Math.round(p.holdout.p95_ms)} ms`,
    );
  } else {
    L.push(`Proposal ${p.proposal_id}: no change recommended.`);
  }
  for (const line of p.rationale.slice(0, 6)) L.push(`  - ${sanitizeInline(line)}`);
  L.push('');
  L.push(`Report: ${r.report}`);
  L.push(`Done in ${r.seconds.toFixed(1)}s (store: ${r.store.kind} at ${r.store.location}).`);
  return L.join('\n');
}

// The package's bin/routelab.js: two folders up from the sources, three from their build in dist/.
const BIN =
  ['../../bin/routelab.js', '../../../bin/routelab.js'].map((p) => fileURLToPath(new URL(p, import.meta.url))).find((p) => existsSync(p)) ??
  'bin/routelab.js';

/**
 * What to try next: copy-pasteable commands against what the demo just created, limited to the
 * commands this build has (`has`). They call the checkout's own entry point relative to `cwd`,
 * which works without `npm link` or a registry.
 */
export function nextSteps(r: DemoResult, cwd: string, has: (command: string) => boolean): string {
  const id = r.proposal.proposal_id;
  const run = r.run.run_id;
  const steps: Array<[command: string, args: string, why: string]> = [
    ['dashboard', '', 'review the run and the proposal (a approve, p promote)'],
    ['runs', `show ${run}`, 'the run summary'],
    ['propose', `--run ${run} --max-cost-ratio 0.5 --segment-by intent`, 'a cheaper proposal'],
  ];
  if (r.proposal.status === 'pending') {
    steps.push(['approve', `${id} --comment "looks good"`, 'approve it']);
    // The demo's proposal routes by rules (mode conditional), which watsonx cannot express: Portkey can.
    steps.push(['promote', `${id} --format portkey`, 'make it the active version']);
    steps.push(['policy', `history -n ${DEMO_NAMES.policy}`, 'versions and which is active']);
  }
  steps.push(['policy', `simulate -n ${DEMO_NAMES.policy} --requests 1000 --fail sim/atlas-large=503:0.2`, 'routing under failures']);
  const cmd = `node ${relative(cwd, BIN)}`;
  const lines = steps.filter(([c]) => has(c)).flatMap(([c, args, why]) => [`  # ${why}`, `  ${cmd} ${c}${args ? ` ${args}` : ''}`]);
  return ['', 'Try next:', ...lines, ''].join('\n');
}
