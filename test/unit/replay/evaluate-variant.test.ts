import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/domain/outcome.js';
import type { PolicySpec } from '../../../src/domain/policy-spec.js';
import type { RunCase } from '../../../src/domain/run.js';
import { retryBackoffMs } from '../../../src/replay/backoff.js';
import { evaluateVariant } from '../../../src/replay/evaluate-variant.js';
import { buildOutcomeMatrix } from '../../../src/replay/outcome-matrix.js';
import { summarizeVariant } from '../../../src/replay/summarize-variant.js';

const spec = (policy: PolicySpec['policy'], name = 'p'): PolicySpec => ({ spec_version: 'v1', kind: 'model', name, policy });

const kase = (id: string, extra: Partial<RunCase> = {}): RunCase => ({
  case_id: id,
  split: 'train',
  timestamp: null,
  metadata: {},
  params: {},
  input_tokens: 10,
  ...extra,
});

const outcome = (case_id: string, model: string, o: Partial<Outcome> = {}): Outcome => ({
  case_id,
  model,
  answered_by: model,
  status: 200,
  output: 'x',
  score: 1,
  pass: true,
  reason: null,
  cost_usd: 0.01,
  latency_ms: 100,
  input_tokens: 10,
  output_tokens: 20,
  source: 'call',
  ...o,
});

const opts = { rate: 1, seed: 's' };

describe('evaluateVariant', () => {
  it('loadbalance: expected quality and cost are the weight-averaged outcomes', () => {
    const m = buildOutcomeMatrix([outcome('c1', 'a', { score: 1, cost_usd: 0.03 }), outcome('c1', 'b', { score: 0, cost_usd: 0.01 })]);
    const p = spec({
      strategy: { mode: 'loadbalance' },
      targets: [
        { model_name: 'a', weight: 0.75 },
        { model_name: 'b', weight: 0.25 },
      ],
    });
    const [r] = evaluateVariant(p, [kase('c1')], m, opts);
    expect(r?.quality).toBeCloseTo(0.75, 12);
    expect(r?.cost_usd).toBeCloseTo(0.75 * 0.03 + 0.25 * 0.01, 12);
    expect(r?.served).toEqual({ a: 0.75, b: 0.25 });
    expect(r?.p_error).toBe(0);
  });

  it('fallback: a failed first target costs its attempt and adds its latency; the second serves', () => {
    const m = buildOutcomeMatrix([
      outcome('c1', 'a', { status: 503, score: null, cost_usd: 0, latency_ms: 40 }),
      outcome('c1', 'b', { score: 0.5, latency_ms: 100 }),
    ]);
    const p = spec({
      strategy: { mode: 'fallback', on_status_codes: [503] },
      retry: { attempts: 0 },
      targets: [{ model_name: 'a' }, { model_name: 'b' }],
    });
    const [r] = evaluateVariant(p, [kase('c1')], m, opts);
    expect(r).toMatchObject({ quality: 0.5, latency_ms: 140, served: { b: 1 }, p_error: 0 });
    expect(r?.path.map((a) => `${a.model}:${a.status}`)).toEqual(['a:503', 'b:200']);
  });

  it('a retried model adds the documented backoff between tries; a dead end is an error', () => {
    const m = buildOutcomeMatrix([outcome('c1', 'a', { status: 429, score: null, cost_usd: 0, latency_ms: 10 })]);
    const p = spec({ strategy: { mode: 'single' }, retry: { attempts: 2, on_status_codes: [429] }, targets: [{ model_name: 'a' }] });
    const [r] = evaluateVariant(p, [kase('c1')], m, opts);
    expect(r?.latency_ms).toBe(3 * 10 + retryBackoffMs(1) + retryBackoffMs(2));
    expect(r).toMatchObject({ quality: 0, p_error: 1, served: {} });
  });

  it('guardrails block or flag from the case metadata', () => {
    const m = buildOutcomeMatrix([outcome('c1', 'a'), outcome('c2', 'a')]);
    const p = spec({
      strategy: { mode: 'single' },
      targets: [{ model_name: 'a' }],
      guardrails: [
        { when: { 'metadata.intent': 'secrets' }, action: 'block' },
        { when: { 'metadata.intent': 'legal' }, action: 'flag' },
      ],
    });
    const [blocked, flagged] = evaluateVariant(
      p,
      [kase('c1', { metadata: { intent: 'secrets' } }), kase('c2', { metadata: { intent: 'legal' } })],
      m,
      opts,
    );
    expect(blocked).toMatchObject({ p_guardrail_block: 1, quality: 0, cost_usd: 0 });
    expect(flagged).toMatchObject({ flagged: true, quality: 1 });
  });

  it('round robin alternates in timestamp order, whatever order the cases come in', () => {
    const ts = (h: number) => `2026-11-20T0${h}:00:00Z`;
    const cases = [kase('late', { timestamp: ts(3) }), kase('first', { timestamp: ts(1) }), kase('second', { timestamp: ts(2) })];
    const m = buildOutcomeMatrix(cases.flatMap((c) => [outcome(c.case_id, 'a'), outcome(c.case_id, 'b')]));
    const p = spec({ strategy: { mode: 'round_robin' }, targets: [{ model_name: 'a' }, { model_name: 'b' }] });
    const r = evaluateVariant(p, cases, m, opts);
    expect(r.map((x) => [x.case_id, Object.keys(x.served)[0]])).toEqual([
      ['late', 'a'],
      ['first', 'a'],
      ['second', 'b'],
    ]);
  });

  it('a sampled request counts 1/rate toward budgets: at rate 0.5 a 10-request budget lasts 5 cases', () => {
    const cases = Array.from({ length: 8 }, (_, i) => kase(`c${i}`, { timestamp: `2026-11-20T01:0${i}:00Z` }));
    const m = buildOutcomeMatrix(cases.map((c) => outcome(c.case_id, 'a')));
    const p = spec({
      strategy: { mode: 'single' },
      targets: [{ model_name: 'a' }],
      budget: { max_requests: { limit: 10, period: 'daily' } },
    });
    const r = evaluateVariant(p, cases, m, { rate: 0.5, seed: 's' });
    expect(r.map((x) => x.p_budget_block)).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
    expect(evaluateVariant(p, cases, m, opts).every((x) => x.p_budget_block === 0)).toBe(true);
  });

  it('an outcome that was never fetched counts as an error, never as a success', () => {
    const p = spec({ strategy: { mode: 'single' }, targets: [{ model_name: 'a' }] });
    const [r] = evaluateVariant(p, [kase('c1')], buildOutcomeMatrix([]), opts);
    expect(r).toMatchObject({ quality: 0, p_error: 1 });
  });

  it('summarizes quality, cost per 1k, p95 latency and error rate', () => {
    const m = buildOutcomeMatrix(Array.from({ length: 20 }, (_, i) => outcome(`c${i}`, 'a', { latency_ms: (i + 1) * 10, score: i % 2 })));
    const p = spec({ strategy: { mode: 'single' }, targets: [{ model_name: 'a' }] });
    const s = summarizeVariant(
      evaluateVariant(
        p,
        Array.from({ length: 20 }, (_, i) => kase(`c${i}`)),
        m,
        opts,
      ),
    );
    expect(s).toMatchObject({ cases: 20, quality: 0.5, error_rate: 0 });
    expect(s.cost_per_1k).toBeCloseTo(10, 10);
    expect(s.p95_ms).toBeCloseTo(190.5, 10);
  });
});
