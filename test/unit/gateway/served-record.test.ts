import { describe, expect, it } from 'vitest';
import { packExchange, servedRecord, unpackExchanges, type ServedExchange } from '../../../src/gateway/served-record.js';

const base: ServedExchange = {
  id: 't_00',
  startedAt: 0,
  body: JSON.stringify({ model: 'policy/p', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], top_p: 1, token: 'x' }),
  project: undefined,
  key: null,
  status: 429,
  policy: 'p',
  policyVersion: 1,
  outcome: 'blocked',
  servedBy: null,
  output: null,
  inputTokens: null,
  outputTokens: null,
  costUsd: null,
  attempts: [],
  reasons: ['budget used up', 'second reason'],
  flagged: true,
  blocked: 'budget',
  propensity: 1,
};

describe('served exchanges, packed for the log worker', () => {
  it('come back unchanged, several to a list, whatever their attempts and reasons', () => {
    const other: ServedExchange = {
      ...base,
      id: 't_01',
      project: 'proj',
      outcome: 'served',
      servedBy: 'm/a',
      output: 'ok',
      attempts: [{ model: 'm/a', status: 200, reason: 'weighted draw', latency_ms: 3 }],
      reasons: [],
      blocked: null,
      propensity: null,
    };
    const packed: unknown[] = [];
    for (const e of [base, other, base]) packExchange(packed, e);
    expect(packed.every((v) => v === null || v === undefined || typeof v !== 'object')).toBe(true);
    expect(unpackExchanges(structuredClone(packed))).toEqual([base, other, base]);
  });

  it('become the record the request path parsed: text parts joined, credential fields dropped', () => {
    const r = servedRecord(base);
    expect(r.request).toEqual({ messages: [{ role: 'user', content: 'hi' }], params: { top_p: 1, model: 'policy/p' } });
    expect(r.metadata.routing).toMatchObject({ outcome: 'blocked', blocked: 'budget', flagged: true, reasons: base.reasons });
    expect(r.timestamp).toBe('1970-01-01T00:00:00.000Z');
  });

  it("keep the client's metadata names as data, never as a way to an object's prototype", () => {
    const body = JSON.stringify({
      model: 'policy/p',
      messages: [{ role: 'user', content: 'hi' }],
      metadata: { constructor: 'c', team: 'a' },
    });
    const r = servedRecord({ ...base, body: body.replace('"constructor"', '"__proto__":"x","constructor"') });
    expect(Object.getPrototypeOf(r.metadata)).toBeNull();
    expect(Object.getPrototypeOf(r.request.params)).toBeNull();
    expect(Object.entries(r.metadata).filter(([k]) => k !== 'routing')).toEqual([
      ['tags', []],
      ['constructor', 'c'],
      ['team', 'a'],
    ]);
  });
});
