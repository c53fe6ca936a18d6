import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/domain/rng.js';
import type { Outcome } from '../../../src/domain/outcome.js';
import type { RunCase, VariantCaseResult } from '../../../src/domain/run.js';
import { md, xml } from '../../../src/report/escape.js';
import { renderReport, type ReportInput } from '../../../src/report/render-report.js';
import { analyzeRun } from '../../../src/stats/run-analysis.js';
import { xmlProblems } from './xml-check.js';

const HOSTILE = 'evil</text><script>alert(1)</script> & "q" \u001b[31mred\u001b[0m | *bold* [x](http://e)\u202e';

function hostileRun(): ReportInput {
  const rng = createRng('report');
  const models = ['small-model', HOSTILE];
  const cases: RunCase[] = Array.from({ length: 60 }, (_, i) => ({
    case_id: `c${i}`,
    split: i % 3 === 0 ? 'holdout' : 'train',
    timestamp: null,
    metadata: { intent: i % 2 ? 'billing' : HOSTILE },
    params: {},
    input_tokens: 10,
  }));
  const outcomes: Outcome[] = cases.flatMap((c) =>
    models.map((m, mi) => ({
      case_id: c.case_id,
      model: m,
      answered_by: m,
      status: 200,
      output: null,
      score: rng.next() < 0.5 + 0.3 * mi ? 1 : 0,
      pass: null,
      reason: null,
      cost_usd: mi ? 0.01 : 0.0002,
      latency_ms: 300 + 500 * mi,
      input_tokens: 10,
      output_tokens: 10,
      source: 'recorded' as const,
    })),
  );
  const results: VariantCaseResult[] = cases.map((c) => {
    const o = outcomes.filter((x) => x.case_id === c.case_id);
    return {
      case_id: c.case_id,
      quality: ((o[0]?.score ?? 0) + (o[1]?.score ?? 0)) / 2,
      cost_usd: 0.0051,
      latency_ms: 550,
      p_error: 0,
      p_guardrail_block: 0,
      p_budget_block: 0,
      served: { 'small-model': 0.5, [HOSTILE]: 0.5 },
      path: [],
      flagged: false,
    };
  });
  const analysis = analyzeRun(
    { cases, outcomes, variants: [{ name: `${HOSTILE}@v1`, version: 1, isBaseline: true, results }] },
    { rng: createRng(1), segmentBy: 'intent' },
  );
  return {
    run: {
      id: 'run_1',
      policyName: HOSTILE,
      baseVersion: 1,
      status: 'completed',
      source: 'outcomes x',
      seed: 's',
      holdout: 0.33,
      createdAt: null,
      costUsd: 0,
      trainCases: 40,
      holdoutCases: 20,
    },
    analysis,
    proposals: [
      {
        proposal: {
          proposal_id: 'p-1',
          status: 'pending',
          options: { segment_by: 'intent' },
          rationale: [`Segment intent=${HOSTILE}: 100% small-model.`],
          holdout: { quality: 0.7, quality_ci: [0.6, 0.8], cost_per_1k: 0.2, p95_ms: 300 },
          baseline: { quality: 0.65, quality_ci: [0.55, 0.75], cost_per_1k: 5.1, p95_ms: 550 },
          holdout_diff: { mean: 0.05, ci: [0.01, 0.09], p_value: 0.02 },
        },
        groups: [{ label: `intent = ${HOSTILE}`, n: 10, before: { quality: 0.6, cost: 0.005 }, after: { quality: 0.7, cost: 0.0002 } }],
      },
    ],
  };
}

describe('run report', () => {
  const files = renderReport(hostileRun());

  it('writes report.md and SVG charts that are well-formed XML', () => {
    expect(Object.keys(files).sort()).toEqual(['proposal-1.svg', 'quality-cost.svg', 'report.md']);
    for (const [name, content] of Object.entries(files)) if (name.endsWith('.svg')) expect(xmlProblems(content), name).toEqual([]);
  });

  it('escapes model and traffic text: no markup, terminal escapes or bidi overrides survive', () => {
    const all = Object.values(files).join('\n');
    expect(all).not.toContain('\u001b');
    expect(all).not.toContain('\u202e');
    expect(all).not.toContain('<script>');
    expect(files['report.md']).not.toMatch(/\[x\]\(http/);
    // Every table row keeps its column count even with a `|` in a model name.
    const cells = (l: string) => l.split(/(?<!\\)\|/).length;
    let expected = 0;
    let previous = '';
    for (const line of (files['report.md'] as string).split('\n')) {
      if (line.startsWith('|')) {
        if (!previous.startsWith('|')) expected = cells(line);
        expect(cells(line), line).toBe(expected);
      }
      previous = line;
    }
  });

  it('shows the numbers a reviewer looks for', () => {
    const report = files['report.md'] as string;
    expect(report).toMatch(/## Models/);
    expect(report).toMatch(/Oracle \(best model per case, cheapest on ties\): quality \d\.\d{3}/);
    expect(report).toMatch(/APGR/);
    expect(report).toMatch(/### intent = billing \(30 cases\)/);
    expect(report).toMatch(/Holdout quality|quality before/);
  });
});

describe('escaping', () => {
  it('markdown neutralises links, emphasis, HTML and cell breaks', () => {
    expect(md('a|b *c* [d](e) <f>')).toBe('a\\|b \\*c\\* \\[d\\](e) \\<f\\>');
    expect(md('# not a heading')).toBe('\\# not a heading');
  });
  it('XML escapes the five specials and drops what XML forbids', () => {
    expect(xml('<a href="x">&\'</a>\u0001\uffff')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  });
});

describe('xml checker', () => {
  it('catches broken documents', () => {
    expect(xmlProblems('<svg><g></svg>')).not.toEqual([]);
    expect(xmlProblems('<svg a="1" a="2"/>')).not.toEqual([]);
    expect(xmlProblems('<svg>&nbsp;</svg>')).not.toEqual([]);
    expect(xmlProblems('<svg><text>ok &amp; fine</text></svg>')).toEqual([]);
  });
});
