import { describe, expect, it } from 'vitest';
import { periodKey } from '../../../src/policy/index.js';

describe('budget period windows (UTC)', () => {
  it('weeks start on Monday 00:00 UTC (ISO)', () => {
    const sunday = Date.UTC(2026, 0, 4, 23, 59, 59);
    const monday = Date.UTC(2026, 0, 5, 0, 0, 0);
    expect(periodKey('weekly', monday)).toBe(periodKey('weekly', sunday) + 1);
    expect(periodKey('weekly', Date.UTC(2026, 0, 11, 23))).toBe(periodKey('weekly', monday));
  });
  it('months follow the calendar, hours and days the clock', () => {
    expect(periodKey('monthly', Date.UTC(2026, 1, 28, 23))).toBe(periodKey('monthly', Date.UTC(2026, 1, 1)));
    expect(periodKey('monthly', Date.UTC(2026, 2, 1))).toBe(periodKey('monthly', Date.UTC(2026, 1, 1)) + 1);
    expect(periodKey('daily', Date.UTC(2026, 0, 1, 23, 59))).not.toBe(periodKey('daily', Date.UTC(2026, 0, 2)));
    expect(periodKey('hourly', Date.UTC(2026, 0, 1, 5, 59))).toBe(periodKey('hourly', Date.UTC(2026, 0, 1, 5, 0)));
  });
});
