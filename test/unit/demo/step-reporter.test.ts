import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStepReporter } from '../../../src/demo/step-reporter.js';

function terminal(columns: number) {
  const out = Object.assign(new PassThrough(), { isTTY: true, columns });
  let written = '';
  out.on('data', (c: Buffer) => (written += c.toString('utf8')));
  return { out, text: () => written };
}

describe('demo progress', () => {
  it('keeps a live line within the terminal so it can be redrawn in place', () => {
    const t = terminal(40);
    const steps = createStepReporter(t.out, 9, () => 0);
    steps.start('run the nightly evaluation (3 variants, simulated fleet on loopback)');
    steps.detail('1200/3600 (case, model) pairs fetched and scored');
    // Every redraw starts with \r and clears the line; what follows must fit in 39 columns.
    const redraws = t.text().split('\r\x1b[K');
    for (const line of redraws) expect([...line].length).toBeLessThanOrEqual(39);
    expect(redraws.at(-1)).toMatch(/^\[1\/9\] run the nightly/);
  });

  it('prints each finished step once, in full, off a terminal', () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (c: Buffer) => (written += c.toString('utf8')));
    const steps = createStepReporter(out, 2, () => 0);
    steps.start('import the traffic');
    steps.detail('ignored off a terminal');
    steps.done('2400 new, 0 quarantined');
    expect(written).toBe('[1/2] import the traffic: 2400 new, 0 quarantined (0.0s)\n');
  });
});
