import { describe, expect, it } from 'vitest';
import { FleetSpec, type AnswerEntry } from '../../../src/providers/fleet-spec.js';
import { simulateReply } from '../../../src/providers/simulate-reply.js';

const fleet = FleetSpec.parse({
  seed: 7,
  models: [
    { name: 'good', quality: { default: 0.9, coding: 0.6 }, latency_ms: { median: 1000, p95: 3000 }, output_tokens: { mean: 100 } },
    {
      name: 'flaky',
      quality: { default: 0.9 },
      latency_ms: { median: 1000, p95: 3000 },
      output_tokens: { mean: 100 },
      errors: { '429': 0.2, '503': 0.1 },
    },
  ],
});
const [good, flaky] = fleet.models as [FleetSpec['models'][number], FleetSpec['models'][number]];
const answers = new Map<string, AnswerEntry>(
  Array.from({ length: 2000 }, (_, i) => [
    `k${i}`,
    { key: `k${i}`, segment: i % 2 ? 'coding' : 'other', correct: 'right', wrong: 'wrong' },
  ]),
);
const reply = (model = good, key = 'k0', attempt = 0) => simulateReply({ fleet, model, answers, key, prompt_chars: 40, attempt });

describe('simulateReply', () => {
  it('is a function of seed, model, input and attempt', () => {
    expect(reply(good, 'k5', 0)).toEqual(reply(good, 'k5', 0));
    const other = simulateReply({ fleet: { ...fleet, seed: 8 }, model: good, answers, key: 'k5', prompt_chars: 40, attempt: 0 });
    expect(other.latency_ms).not.toBe(reply(good, 'k5', 0).latency_ms);
  });

  it('is right with the quality of the answer segment', () => {
    const rate = (segmentOdd: number) => {
      let right = 0;
      let n = 0;
      for (let i = segmentOdd; i < 2000; i += 2) {
        const r = reply(good, `k${i}`);
        n++;
        if (r.kind === 'answer' && r.correct) right++;
      }
      return right / n;
    };
    expect(rate(0)).toBeCloseTo(0.9, 1);
    expect(rate(1)).toBeCloseTo(0.6, 1);
  });

  it('draws latency with the configured median and p95', () => {
    const ls = Array.from({ length: 2000 }, (_, i) => reply(good, `k${i}`, 0).latency_ms).sort((a, b) => a - b);
    expect(ls[1000]).toBeGreaterThan(900);
    expect(ls[1000]).toBeLessThan(1100);
    expect(ls[1900]).toBeGreaterThan(2600);
    expect(ls[1900]).toBeLessThan(3400);
  });

  it('fails with each status at its rate, and a retry draws again while correctness stays', () => {
    const counts = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const s = reply(flaky, `k${i}`, 0).status;
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    expect((counts.get(429) ?? 0) / 2000).toBeCloseTo(0.2, 1);
    expect((counts.get(503) ?? 0) / 2000).toBeCloseTo(0.1, 1);
    const outputs = new Set<string>();
    let sawError = false;
    for (let attempt = 0; attempt < 30; attempt++) {
      const r = reply(flaky, 'k1', attempt);
      if (r.kind === 'answer') outputs.add(r.content);
      else sawError = true;
    }
    expect(sawError).toBe(true);
    expect(outputs.size).toBe(1);
  });

  it('estimates prompt tokens from characters and answers unknown input generically', () => {
    const r = simulateReply({ fleet, model: good, answers, key: 'unknown', prompt_chars: 41, attempt: 0 });
    expect(r).toMatchObject({ kind: 'answer', correct: null, prompt_tokens: 11 });
  });
});
