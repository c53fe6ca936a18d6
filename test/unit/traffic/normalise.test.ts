import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../../src/traffic/normalise/timestamp.js';
import { buildMetadata } from '../../../src/traffic/normalise/metadata.js';
import { z } from 'zod';
import { Message, TrafficResponse } from '../../../src/domain/traffic-record.js';
import { SCRUBBED_FIELDS, scrubRecord } from '../../../src/traffic/scrub.js';
import { createRedactor } from '../../../src/redact/redact-text.js';

describe('parseTimestamp', () => {
  it.each([
    ['2026-11-20T08:15:02Z', '2026-11-20T08:15:02.000Z'],
    ['2026-11-20 09:01:12.104211', '2026-11-20T09:01:12.104Z'],
    ['2026-11-20T10:00:00+02:00', '2026-11-20T08:00:00.000Z'],
    [1763629262, '2025-11-20T09:01:02.000Z'],
    [1763629262500, '2025-11-20T09:01:02.500Z'],
    ['1763629262000000000', '2025-11-20T09:01:02.000Z'],
  ])('%s', (input, iso) => expect(parseTimestamp(input)).toBe(iso));
  it('returns null for what is not a time', () => {
    expect(parseTimestamp('yesterday')).toBeNull();
    expect(parseTimestamp(null)).toBeNull();
  });
});

describe('buildMetadata', () => {
  it('lets earlier sources win and turns key:value tags into fields', () => {
    expect(buildMetadata([{ intent: 'code' }, { intent: 'chat', project: 7 }], ['intent:other', 'team:web', 'vip'])).toEqual({
      intent: 'code',
      project: '7',
      team: 'web',
      tags: ['intent:other', 'team:web', 'vip'],
    });
  });
});

describe('scrubRecord', () => {
  it('redacts every string, keys included, and drops what Postgres cannot store', () => {
    const r = scrubRecord(
      {
        sourceId: null,
        timestamp: '2026-11-20T00:00:00.000Z',
        request: {
          messages: [{ role: 'user', content: 'mail a@b.com\u0000' }],
          params: { headers: { Authorization: 'Bearer abcdefghijklmnop' } },
        },
        metadata: { tags: [], 'x@y.org': '\ud800ok' },
        response: {
          model: null,
          output: 'key sk-abcdefghijklmnopqrstuv',
          status: 200,
          latency_ms: null,
          input_tokens: null,
          output_tokens: null,
          cost_usd: null,
        },
        replayable: true,
      },
      createRedactor(),
    );
    const text = JSON.stringify(r.record);
    expect(text).not.toMatch(/a@b\.com|abcdefghijklmnop|x@y\.org|\\u0000|\\ud800/);
    // The header is named as a credential: its value goes whole, whatever it looks like.
    expect(r.kinds).toEqual({ email: 2, credential: 1, openai_key: 1 });
  });
});

describe('scrubRecord and the record schema', () => {
  // The scrubber handles messages and the response field by field; a string field added to either
  // schema must be added there too, or it would reach the store unredacted.
  const stringFields = (shape: Record<string, unknown>) =>
    Object.entries(shape)
      .filter(([, t]) => {
        let inner = t as { unwrap?: () => unknown };
        while (typeof inner.unwrap === 'function') inner = inner.unwrap() as typeof inner;
        return inner instanceof z.ZodString;
      })
      .map(([k]) => k)
      .sort();

  it('covers every string field of a message and of the response', () => {
    expect(stringFields(Message.shape)).toEqual([...SCRUBBED_FIELDS.message].sort());
    expect(stringFields(TrafficResponse.shape)).toEqual([...SCRUBBED_FIELDS.response].sort());
  });

  it('redacts each of those fields', () => {
    const secret = 'sk-abcdefghijklmnopqrstuv';
    const message = Object.fromEntries(SCRUBBED_FIELDS.message.map((k) => [k, `${k} ${secret}`]));
    const response = {
      status: 200,
      latency_ms: null,
      input_tokens: null,
      output_tokens: null,
      cost_usd: null,
      ...Object.fromEntries(SCRUBBED_FIELDS.response.map((k) => [k, `${k} ${secret}`])),
    };
    const r = scrubRecord(
      {
        sourceId: null,
        timestamp: '2026-11-20T00:00:00.000Z',
        request: { messages: [message as never], params: {} },
        metadata: { tags: [] },
        response: response as never,
        replayable: true,
      },
      createRedactor(),
    );
    expect(JSON.stringify(r.record)).not.toContain(secret);
    expect(r.count).toBe(SCRUBBED_FIELDS.message.length + SCRUBBED_FIELDS.response.length);
  });
});

describe('parseTimestamp on a run of lines', () => {
  it('still rolls an impossible day over after a valid one on a nearby day', () => {
    expect(parseTimestamp('2026-02-28T10:00:00.000Z')).toBe('2026-02-28T10:00:00.000Z');
    expect(parseTimestamp('2026-02-28T11:00:00.000Z')).toBe('2026-02-28T11:00:00.000Z');
    expect(parseTimestamp('2026-02-30T10:00:00.000Z')).toBe('2026-03-02T10:00:00.000Z');
    expect(parseTimestamp('2026-02-28T24:00:00.000Z')).toBe('2026-03-01T00:00:00.000Z');
  });
});

describe('buildMetadata edge cases', () => {
  it('drops named fields that are empty or not text, and keeps the first tags given', () => {
    expect(
      buildMetadata([
        { intent: '', project: { a: 1 }, user: true, tags: ['a'] },
        { tags: ['b'], intent: 'later' },
      ]),
    ).toEqual({ user: 'true', tags: ['a'] });
  });
});
