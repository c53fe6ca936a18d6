import { checkExhaustive } from '../domain/errors.js';
import type { BudgetPeriod } from '../domain/policy-spec.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The window a timestamp falls in, as a number that changes exactly at the window's start (UTC):
 * hourly, daily, weekly (ISO week, starting Monday 00:00 UTC) and calendar months.
 */
export function periodKey(period: BudgetPeriod, timestampMs: number): number {
  switch (period) {
    case 'hourly':
      return Math.floor(timestampMs / HOUR);
    case 'daily':
      return Math.floor(timestampMs / DAY);
    case 'weekly':
      // 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday.
      return Math.floor((Math.floor(timestampMs / DAY) + 3) / 7);
    case 'monthly': {
      const d = new Date(timestampMs);
      return d.getUTCFullYear() * 12 + d.getUTCMonth();
    }
    default:
      return checkExhaustive(period);
  }
}
