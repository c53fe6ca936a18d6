import { describe, expect, it } from 'vitest';
import { isConnectionLoss, LostWriteError } from '../../../src/store/connection-loss.js';
import { readableError } from '../../../src/store/error-reason.js';

describe('isConnectionLoss', () => {
  it('is true for a lost connection, also under the wrappers the processors add', () => {
    const reset = Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED' });
    expect(isConnectionLoss(reset)).toBe(true);
    expect(isConnectionLoss(new Error('a database statement failed', { cause: reset }))).toBe(true);
  });

  it('is true for a connect that timed out (a server restarting, a machine too busy to answer in time)', () => {
    expect(isConnectionLoss(Object.assign(new Error('write CONNECT_TIMEOUT 127.0.0.1:5432'), { code: 'CONNECT_TIMEOUT' }))).toBe(true);
  });

  it('is true for a write the driver reported done that is not stored, so the job is retried without using an attempt', () => {
    const lost = new LostWriteError('16 of 16 outcome(s) written by this chunk are not stored');
    expect(isConnectionLoss(lost)).toBe(true);
    expect(isConnectionLoss(readableError(lost))).toBe(true);
  });

  it('is false for a statement that was wrong', () => {
    expect(isConnectionLoss(Object.assign(new Error('value out of range'), { code: '22003' }))).toBe(false);
  });
});
