import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Assertion } from '../../../src/domain/golden-case.js';
import { scoreAssertionSync } from '../../../src/scoring/index.js';

/** Real GSM8K answers by two models, with their recorded correctness (see test/fixtures/golden/README.md). */
interface Line {
  case_id: string;
  model: string;
  reference: string;
  output: string;
  score: number;
}

const lines: Line[] = readFileSync(new URL('../../fixtures/golden/gsm8k-excerpt.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Line);

describe('numeric scorer on real GSM8K outputs', () => {
  it('agrees with the recorded correctness on (almost) every answer', () => {
    const numeric = Assertion.parse({ type: 'numeric' });
    const disagreements = lines.filter((l) => scoreAssertionSync(numeric, l.output, l.reference).pass !== (l.score === 1));
    const agreement = 1 - disagreements.length / lines.length;
    expect(lines).toHaveLength(54);
    expect(lines.some((l) => l.score === 0)).toBe(true);
    // Measured 54/54; below 95% would mean the extraction regressed on real model text.
    expect(agreement, disagreements.map((d) => `${d.case_id} ${d.model}`).join(', ')).toBeGreaterThanOrEqual(0.95);
  });
});
