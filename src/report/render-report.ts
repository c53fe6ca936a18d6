import type { Proposal } from '../domain/proposal.js';
import type { GroupStats } from '../stats/group-stats.js';
import type { RunAnalysis } from '../stats/run-analysis.js';
import { beforeAfterSvg } from './before-after-chart.js';
import type { BeforeAfterGroup } from './before-after.js';
import { md } from './escape.js';
import { ci, msText, pctText, q3, usd } from './format.js';
import { qualityCostSvg, type ChartPoint } from './quality-cost-chart.js';

export interface ReportRun {
  id: string;
  policyName: string;
  baseVersion: number | null;
  status: string;
  source: string;
  seed: string;
  holdout: number;
  createdAt: string | null;
  costUsd: number;
  trainCases: number;
  holdoutCases: number;
}

export interface ReportProposal {
  proposal: Pick<Proposal, 'proposal_id' | 'status' | 'options' | 'rationale' | 'holdout' | 'baseline' | 'holdout_diff'>;
  groups: BeforeAfterGroup[];
}

export interface ReportInput {
  run: ReportRun;
  analysis: RunAnalysis;
  proposals: ReportProposal[];
}

/** file name → content; `report.md` links the SVGs beside it. */
export type ReportFiles = Record<string, string>;

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function statsTable(groups: readonly GroupStats[], first: string): string[] {
  const head = [
    first,
    'n',
    'quality (95% CI)',
    'pass rate (95% CI)',
    'cost/1k',
    'p50 / p95 / p99 ms',
    'errors',
    'blocked (guardrail / budget)',
  ];
  return [
    row(head),
    row(head.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...groups.map((g) =>
      row([
        md(g.key) + (g.warning ? ' ⚠' : ''),
        String(g.n),
        `${q3(g.quality)} (${ci(g.quality_ci)})`,
        `${pctText(g.pass_rate)} (${pctText(g.pass_ci[0])}–${pctText(g.pass_ci[1])})`,
        usd(g.cost_per_1k),
        `${msText(g.p50_ms)} / ${msText(g.p95_ms)} / ${msText(g.p99_ms)}`,
        pctText(g.error_rate),
        `${pctText(g.guardrail_block_rate)} / ${pctText(g.budget_block_rate)}`,
      ]),
    ),
  ];
}

function compactTable(groups: readonly GroupStats[], first: string): string[] {
  return [
    row([first, 'n', 'quality (95% CI)', 'pass rate', 'cost/1k', 'p95 ms']),
    row(['---', '---:', '---:', '---:', '---:', '---:']),
    ...groups.map((g) =>
      row([
        md(g.key) + (g.warning ? ' ⚠' : ''),
        String(g.n),
        `${q3(g.quality)} (${ci(g.quality_ci)})`,
        pctText(g.pass_rate),
        usd(g.cost_per_1k),
        msText(g.p95_ms),
      ]),
    ),
  ];
}

const pCell = (p: number) => (p < 0.001 ? '<0.001' : p.toPrecision(2));
const signedPts = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pts` : '–');

/** The run report: markdown plus plain generated SVG charts. Pure: the caller writes the files. */
export function renderReport(input: ReportInput): ReportFiles {
  const { analysis: a } = input;
  const files: ReportFiles = {};
  const L: string[] = [
    ...headerLines(input),
    '## Variants',
    '',
    ...statsTable(a.variants, 'variant'),
    '',
    ...comparisonLines(a),
    '## Models',
    '',
    ...statsTable(a.models, 'model'),
    '',
    ...frontierLines(input, files),
    ...segmentLines(a),
    ...proposalLines(input, files),
    ...warningLines(a),
  ];
  files['report.md'] = `${L.join('\n')}\n`;
  return files;
}

function headerLines({ run, analysis: a }: ReportInput): string[] {
  const L: string[] = [];
  L.push(`# Run ${md(run.id)} — policy ${md(run.policyName)}${run.baseVersion !== null ? ` (v${run.baseVersion})` : ''}`);
  L.push('');
  L.push(
    `- Source: ${md(run.source)}; status **${md(run.status)}**; seed ${md(run.seed)}${run.createdAt ? `; created ${md(run.createdAt)}` : ''}`,
  );
  L.push(
    `- Cases: ${a.n} (${run.trainCases} train, ${run.holdoutCases} holdout at ${pctText(run.holdout)}); model spend ${usd(run.costUsd)}`,
  );
  L.push(
    '- Quality is the mean score in [0, 1] (a failed call counts 0); intervals are seeded bootstrap (means) and Wilson (pass rates), 95%. ⚠ marks groups too small to conclude anything.',
  );
  L.push('');
  return L;
}

function comparisonLines(a: RunAnalysis): string[] {
  const L: string[] = [];
  if (a.comparisons.length) {
    L.push('### Against the baseline (paired, same cases)', '');
    L.push(row(['variant', 'Δ quality (95% CI)', 'p', 'p (Holm)', 'Δ cost/1k', 'verdict']));
    L.push(row(['---', '---:', '---:', '---:', '---:', '---']));
    for (const c of a.comparisons) {
      const verdict = c.warning
        ? `too few cases (${c.quality.n})`
        : c.significant
          ? c.quality.mean > 0
            ? 'better'
            : 'worse'
          : 'no detectable difference';
      L.push(
        row([
          md(c.variant),
          `${signedPts(c.quality.mean)} (${signedPts(c.quality.ci[0])} to ${signedPts(c.quality.ci[1])})`,
          pCell(c.quality.p_value),
          pCell(c.p_holm),
          usd(c.cost_diff * 1000),
          verdict,
        ]),
      );
    }
    L.push(
      '',
      `Baseline: ${md(a.comparisons[0]?.baseline ?? '')}. p-values are two-sided paired-bootstrap; Holm corrects across the ${a.comparisons.length} comparison(s) of this run.`,
      '',
    );
  }
  return L;
}

/** The quality/cost chart (written into `files`) and the frontier's baselines. */
function frontierLines(input: ReportInput, files: ReportFiles): string[] {
  const { run, analysis: a } = input;
  const L: string[] = [];
  L.push('## Quality vs cost', '');
  const f = a.frontier;
  const points: ChartPoint[] = [
    ...f.models.map((p) => ({ ...p, kind: 'model' as const })),
    ...f.variants.map((p) => ({ ...p, kind: 'variant' as const })),
    { ...f.oracle, kind: 'baseline' },
    { ...f.random, label: 'random routing', kind: 'baseline' },
    ...input.proposals.map((p) => ({
      label: `${p.proposal.proposal_id} (holdout)`,
      cost: p.proposal.holdout.cost_per_1k / 1000,
      quality: p.proposal.holdout.quality,
      kind: 'proposal' as const,
    })),
  ];
  files['quality-cost.svg'] = qualityCostSvg({ title: `Quality vs cost — run ${run.id}`, points, frontier: f.hull });
  L.push('![Quality vs cost per model and variant, with the frontier](quality-cost.svg)', '');
  L.push(`- Oracle (best model per case, cheapest on ties): quality ${q3(f.oracle.quality)} at ${usd(f.oracle.cost * 1000)} per 1k`);
  if (f.best_single)
    L.push(`- Best single model: ${md(f.best_single.label)}, ${q3(f.best_single.quality)} at ${usd(f.best_single.cost * 1000)} per 1k`);
  if (f.cheapest_single)
    L.push(
      `- Cheapest single model: ${md(f.cheapest_single.label)}, ${q3(f.cheapest_single.quality)} at ${usd(f.cheapest_single.cost * 1000)} per 1k`,
    );
  L.push(`- Random routing over all models: ${q3(f.random.quality)} at ${usd(f.random.cost * 1000)} per 1k`);
  L.push(`- AIQ of the model mixes (RouterBench: mean quality under the non-decreasing convex hull over its cost range): ${q3(f.aiq)}`);
  if (a.two_model) {
    const t = a.two_model;
    L.push(`- Two models (weak ${md(t.weak)} ${q3(t.weak_quality)}, strong ${md(t.strong)} ${q3(t.strong_quality)}), RouteLLM metrics:`);
    L.push(
      `  - oracle router: APGR ${q3(t.oracle.apgr)}, CPT(50%) ${t.oracle.cpt50.toFixed(1)}%, CPT(80%) ${t.oracle.cpt80.toFixed(1)}% strong calls`,
    );
    L.push(`  - random router: APGR ${q3(t.random.apgr)}, CPT(50%) ${t.random.cpt50.toFixed(1)}%, CPT(80%) ${t.random.cpt80.toFixed(1)}%`);
  }
  L.push('');
  return L;
}

function segmentLines(a: RunAnalysis): string[] {
  const L: string[] = [];
  if (a.segmentBy && a.segments.length) {
    L.push(`## Segments by ${md(a.segmentBy)}`, '');
    for (const s of a.segments) {
      L.push(`### ${md(a.segmentBy)} = ${md(s.value)} (${s.n} cases)`, '');
      L.push(...compactTable([...s.variants, ...s.models], 'variant / model'), '');
    }
  }
  return L;
}

/** One section per proposal, each with its before/after chart (written into `files`). */
function proposalLines(input: ReportInput, files: ReportFiles): string[] {
  const { run } = input;
  const L: string[] = [];
  if (input.proposals.length) {
    L.push('## Proposals', '');
    input.proposals.forEach((p, i) => {
      const pr = p.proposal;
      const status = pr.status === 'no_change' ? 'no change recommended' : pr.status;
      L.push(`### ${md(pr.proposal_id)} — ${md(status)}`, '');
      L.push(`Options: \`${JSON.stringify(pr.options).replace(/`/g, "'")}\``, '');
      for (const r of pr.rationale) L.push(`- ${md(r)}`);
      L.push('');
      L.push(row(['holdout', 'cases', 'quality before', 'quality after', 'cost/1k before', 'cost/1k after']));
      L.push(row(['---', '---:', '---:', '---:', '---:', '---:']));
      for (const g of p.groups)
        L.push(
          row([md(g.label), String(g.n), q3(g.before.quality), q3(g.after.quality), usd(g.before.cost * 1000), usd(g.after.cost * 1000)]),
        );
      const name = `proposal-${i + 1}.svg`;
      files[name] = beforeAfterSvg(
        `Holdout quality before and after ${pr.proposal_id}`,
        p.groups.map((g) => ({ label: `${g.label} (${g.n})`, before: g.before.quality, after: g.after.quality })),
        run.baseVersion !== null ? `current version v${run.baseVersion}` : 'baseline',
        'proposal',
      );
      L.push('', `![Holdout quality before and after the proposal](${name})`, '');
    });
  }
  return L;
}

function warningLines(a: RunAnalysis): string[] {
  const L: string[] = [];
  if (a.warnings.length) {
    L.push('## Warnings', '');
    for (const w of a.warnings) L.push(`- ${md(w)}`);
    L.push('');
  }
  return L;
}
