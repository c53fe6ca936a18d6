import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyReply } from '../../../src/providers/classify-response.js';
import { redactSecrets } from '../../../src/redact/redact-text.js';
import { parseRetryAfter } from '../../../src/providers/retry-after.js';

const price = { input_per_m: 1, output_per_m: 2 };
const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  classifyReply({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) }, price, 0);

describe('classifyReply', () => {
  it('takes text from content parts, a refusal or tool calls', () => {
    expect(
      reply(200, {
        choices: [
          {
            message: {
              content: [
                { type: 'text', text: 'a' },
                { type: 'text', text: 'b' },
              ],
            },
          },
        ],
      }).output,
    ).toBe('ab');
    expect(reply(200, { choices: [{ message: { content: null, refusal: 'I cannot help' } }] }).output).toBe('I cannot help');
    const call = { id: 't', type: 'function', function: { name: 'f', arguments: '{"x":1}' } };
    expect(reply(200, { choices: [{ message: { content: null, tool_calls: [call] } }] }).output).toBe(JSON.stringify([call]));
  });

  it('leaves cost unknown when usage is missing', () => {
    expect(reply(200, { choices: [{ message: { content: 'x' } }] })).toMatchObject({ status: 200, input_tokens: null, cost_usd: null });
  });

  it('calls a 200 without choices a bad response, and a redirect too', () => {
    expect(reply(200, { id: 'x' })).toMatchObject({ status: 502, error: { kind: 'bad_response' } });
    expect(reply(200, '[1,2]')).toMatchObject({ status: 502, error: { kind: 'bad_response' } });
    expect(reply(302, '')).toMatchObject({ status: 502, error: { kind: 'bad_response' } });
  });

  it('passes Retry-After on 503 as well as 429', () => {
    expect(reply(503, {}, { 'retry-after': '3' }).error).toMatchObject({ kind: 'server', retry_after_ms: 3000 });
    expect(reply(500, {}, { 'retry-after': '3' }).error?.retry_after_ms).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  it.each([
    [{ retryAfter: '1.5' }, 1500],
    [{ retryAfterMs: '250', retryAfter: '9' }, 250],
    [{ retryAfter: 'Wed, 21 Oct 2015 07:28:10 GMT' }, 10_000],
    [{ retryAfter: 'Wed, 21 Oct 2015 07:27:00 GMT' }, 0],
    [{ retryAfter: '999999' }, 60_000],
    [{ retryAfter: 'soon' }, undefined],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(parseRetryAfter(headers, Date.parse('2015-10-21T07:28:00Z'))).toBe(expected);
  });
});

describe('redactSecrets', () => {
  it('removes the exact key and bearer tokens from any text', () => {
    fc.assert(
      fc.property(fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/), fc.string(), (before, key, after) => {
        expect(redactSecrets(`${before}${key}${after}`, [key])).not.toContain(key);
      }),
    );
    expect(redactSecrets('Authorization: Bearer abc.def-ghi', [])).toBe('Authorization: Bearer [REDACTED:bearer_token]');
  });
});
