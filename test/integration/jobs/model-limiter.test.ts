import { expect, it } from 'vitest';
import { createModelLimiter } from '../../../src/jobs/model-limiter.js';

it('never has more calls in flight per model than the catalog allows; models do not share a limit', async () => {
  const limiter = createModelLimiter();
  const active = new Map<string, number>();
  const peak = new Map<string, number>();
  const gates: Array<() => void> = [];
  const call = (model: string) =>
    limiter.run(model, 2, async () => {
      active.set(model, (active.get(model) ?? 0) + 1);
      peak.set(model, Math.max(peak.get(model) ?? 0, active.get(model) ?? 0));
      await new Promise<void>((resolve) => gates.push(resolve));
      active.set(model, (active.get(model) ?? 0) - 1);
    });
  const all = Promise.all([...Array.from({ length: 6 }, () => call('a')), ...Array.from({ length: 3 }, () => call('b'))]);
  // Release calls one by one as they start, until all nine have run.
  for (let released = 0; released < 9;) {
    const next = gates.shift();
    if (next) {
      next();
      released++;
    }
    await new Promise((r) => setImmediate(r));
  }
  await all;
  expect(Object.fromEntries(peak)).toEqual({ a: 2, b: 2 });
});
