import { describe, expect, it } from 'vitest';
import { parseAnswersText, parseFleetText } from '../../../src/providers/fleet-spec.js';

describe('parseFleetText', () => {
  it('reads a fleet with defaults for errors and time_scale', () => {
    const r = parseFleetText(
      'seed: 7\nmodels:\n  - name: m\n    quality: { default: 0.8, coding: 0.9 }\n    latency_ms: { median: 100, p95: 300 }\n    output_tokens: { mean: 50 }\n',
      'fleet.yaml',
    );
    expect(r.ok && r.value).toMatchObject({
      seed: 7,
      time_scale: 0,
      models: [{ name: 'm', errors: {}, quality: { default: 0.8, coding: 0.9 } }],
    });
  });

  it('names the line of each impossible setting', () => {
    const r = parseFleetText(
      'seed: 7\nmodels:\n  - name: m\n    quality: { coding: 1.2 }\n    latency_ms: { median: 500, p95: 100 }\n    output_tokens: { mean: 50 }\n    errors: { "429": 0.7, "503": 0.6 }\n',
      'fleet.yaml',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPath = Object.fromEntries(r.error.map((i) => [i.path, i]));
    expect(byPath['models[0].quality.coding']?.line).toBe(4);
    expect(byPath['models[0].latency_ms']?.message).toMatch(/p95 must be at least the median/);
    expect(byPath['models[0].errors']?.message).toMatch(/more than 1/);
  });
});

describe('parseAnswersText', () => {
  it('reads lines, skips blanks and reports each bad line by number', () => {
    const ok = parseAnswersText(
      '{"key":"k1","segment":"s","correct":"a","wrong":"b"}\n\n{"key":"k2","correct":"a","wrong":"b"}\n',
      'a.jsonl',
    );
    expect(ok.ok && ok.value.map((a) => a.segment)).toEqual(['s', 'default']);
    const bad = parseAnswersText('{"key":"k1","correct":"a","wrong":"b"}\n{oops\n{"key":"k3","correct":"a"}\n', 'a.jsonl');
    expect(!bad.ok && bad.error.map((i) => [i.line, i.field ?? null])).toEqual([
      [2, null],
      [3, 'wrong'],
    ]);
  });
});
