import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { errorReason, readableError } from '../../../src/store/error-reason.js';

describe('errorReason', () => {
  const pg = Object.assign(new Error('value "1e+300" is out of range for type integer'), { code: '22003' });
  const wrapped = new DrizzleQueryError(`insert into run_outcomes (${'x, '.repeat(200)}) select …`, ['a'.repeat(1000)], pg);

  it('names the cause, not the statement or its parameters', () => {
    expect(errorReason(wrapped)).toBe('value "1e+300" is out of range for type integer [SQLSTATE 22003]');
  });

  it('keeps the original as the cause (connection-loss checks read its code)', () => {
    const e = readableError(wrapped);
    expect(e.message).not.toMatch(/insert into|Failed query/);
    expect(e.cause).toBe(wrapped);
  });

  it('leaves an ordinary error as it is', () => {
    const e = new Error('run r1 does not exist');
    expect(readableError(e)).toBe(e);
  });
});
