import type { AppContext as CliContext } from '../app/context.js';
import { DEFAULT_DATA_DIR, type Store } from '../store/db.js';
import { DEMO_NAMES } from './demo-files.js';
import { ensureDemoSample, importDemoCatalog, importDemoGolden, importDemoPolicies, importDemoTraffic } from './load-demo-data.js';
import { createStepReporter, type StepReporter } from './step-reporter.js';
import { runDemoEvaluation, type DemoRunResult } from './demo-run-step.js';
import { proposeDemo, type DemoProposal } from './demo-propose-step.js';
import { writeDemoReport } from './demo-report-step.js';

export interface DemoOptions {
  /** Sampled requests replayed by the nightly run (stratified by intent). */
  size: number;
  seed: string;
  /** Cost ceiling of the proposal as a share of the current policy's cost per request. */
  maxCostRatio: number;
  /** Where the report goes (reports/<run-id> by default). */
  reportRoot: string;
}

export const DEFAULT_DEMO_OPTIONS: DemoOptions = { size: 600, seed: 'demo-nightly', maxCostRatio: 0.8, reportRoot: 'reports' };

export interface DemoResult {
  store: { kind: Store['kind']; location: string };
  models: number;
  policies: Array<{ name: string; version: number; added: boolean }>;
  golden: { name: string; cases: number };
  traffic: { imported: number; duplicates: number; quarantined: number; redacted: number };
  sample: { name: string; size: number; strata: Record<string, number> };
  run: DemoRunResult;
  proposal: DemoProposal;
  report: string;
  seconds: number;
}

/**
 * The whole nightly loop on the embedded defaults: store, catalog, policies, golden set, traffic,
 * sample, run across three variants, proposal, report. Every step is the library call the matching
 * command makes; imports are idempotent, and each invocation makes a new run.
 */
export async function runDemo(ctx: CliContext, options: DemoOptions = DEFAULT_DEMO_OPTIONS): Promise<DemoResult> {
  const now = () => ctx.clock.now();
  const began = now();
  const steps = createStepReporter(ctx.stderr, 9, now);
  const step = async <T>(title: string, body: (s: StepReporter) => Promise<T>, summary: (v: T) => string): Promise<T> => {
    steps.start(title);
    try {
      const value = await body(steps);
      steps.done(summary(value));
      return value;
    } catch (e) {
      steps.fail(e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e));
      throw e;
    }
  };

  const store = await step(
    'open the store',
    () => ctx.store(),
    (s) => (s.kind === 'pglite' ? `PGlite at ${location(ctx)}, migrated` : 'PostgreSQL (DATABASE_URL), migrated'),
  );
  const catalog = await step(
    'import the model catalog',
    () => importDemoCatalog(store),
    (c) => `${c.models} simulated models (${c.added} added, ${c.updated} updated)`,
  );
  const policies = await step(
    'register the policies',
    () => importDemoPolicies(store, ctx.actor()),
    (ps) => ps.map((p) => `${p.name} v${p.version}${p.added ? ' (new)' : ''}`).join(', '),
  );
  const golden = await step(
    'import the golden set',
    () => importDemoGolden(store),
    (g) => `${DEMO_NAMES.golden}: ${g.cases} cases (${g.imported} new, ${g.updated} updated)`,
  );
  const traffic = await step(
    'import the traffic (redacting secrets and PII)',
    (s) => importDemoTraffic(store, (p) => s.detail(`${p.lines.toLocaleString('en-US')} lines`)),
    (t) => `${t.imported} new, ${t.duplicates} already stored, ${t.quarantined_count} quarantined, ${t.redacted} secrets/PII redacted`,
  );
  const sample = await step(
    'sample the traffic',
    () => ensureDemoSample(store, options.size, options.seed),
    (s) => `${s.name}: ${s.size} requests stratified by intent${s.created ? '' : ' (reused)'}`,
  );
  const run = await step(
    'run the nightly evaluation (3 variants, simulated fleet on loopback)',
    (s) =>
      runDemoEvaluation(ctx, store, {
        sample: sample.name,
        seed: options.seed,
        onProgress: (done, total) => s.detail(`${done}/${total} chunks`),
      }),
    (r) => `run ${r.run_id}: ${r.pairs} (case, model) pairs, ${r.model_calls} model calls, ${r.cache_hits} cache hits`,
  );
  const proposal = await step(
    'propose adjusted weights',
    () => proposeDemo(store, run.run_id, options.maxCostRatio),
    (p) => `${p.proposal_id}: ${p.status === 'pending' ? 'waiting for review' : 'no change recommended'}`,
  );
  const report = await step(
    'write the report',
    () => writeDemoReport(store, run.run_id, options.reportRoot),
    (dir) => dir,
  );

  return {
    store: { kind: store.kind, location: location(ctx) },
    models: catalog.models,
    policies,
    golden: { name: DEMO_NAMES.golden, cases: golden.cases },
    traffic: {
      imported: traffic.imported,
      duplicates: traffic.duplicates,
      quarantined: traffic.quarantined_count,
      redacted: traffic.redacted,
    },
    sample: { name: sample.name, size: sample.size, strata: sample.strata },
    run,
    proposal,
    report,
    seconds: (now() - began) / 1000,
  };
}

function location(ctx: CliContext): string {
  return ctx.env.DATABASE_URL ? 'DATABASE_URL' : ctx.env.ROUTELAB_DATA_DIR || DEFAULT_DATA_DIR;
}
