import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/domain/rng.js';
import { drawOrder, drawOrderStepwise, enumerateOrders } from '../../../src/policy/weighted-orders.js';

describe('weighted orders', () => {
  const weights = [0.5, 0.3, 0.2];
  const table = enumerateOrders(weights, false, (i) => i);

  it('enumerates every order with the redraw-by-weight probability', () => {
    const byOrder = new Map(table.orders.map((o, k) => [o.join(''), table.probabilities[k] as number]));
    expect(byOrder.size).toBe(6);
    expect(byOrder.get('012')).toBeCloseTo(0.5 * (0.3 / 0.5), 12);
    expect(byOrder.get('210')).toBeCloseTo(0.2 * (0.3 / 0.8), 12);
    expect([...table.probabilities].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('the alias draw and the stepwise draw both reproduce those probabilities', () => {
    const rng = createRng(9);
    const n = 60_000;
    const alias = new Map<string, number>();
    const stepwise = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const a = (table.orders[drawOrder(table, rng)] as number[]).join('');
      alias.set(a, (alias.get(a) ?? 0) + 1);
      const s = drawOrderStepwise(weights, rng).join('');
      stepwise.set(s, (stepwise.get(s) ?? 0) + 1);
    }
    table.orders.forEach((o, k) => {
      const p = table.probabilities[k] as number;
      const tol = 4.5 * Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs((alias.get(o.join('')) ?? 0) / n - p)).toBeLessThan(tol);
      expect(Math.abs((stepwise.get(o.join('')) ?? 0) / n - p)).toBeLessThan(tol);
    });
  });
});
