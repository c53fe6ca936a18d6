import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Message, TrafficResponse } from '../../../src/domain/traffic-record.js';
import { MESSAGE_FIELDS, RESPONSE_FIELDS, requestJson, responseJson } from '../../../src/store/traffic-json.js';

/** Any string, lone surrogates, controls, quotes and backslashes included. */
const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('"', '\\', '\u0000', '\u2028', '\ud800', 'a\udc00b', '</script>'));
const number = fc.oneof(
  fc.constant(null),
  fc.double(),
  fc.integer(),
  fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, 1e21, 5e-324),
);

describe('traffic JSON written field by field', () => {
  it('covers every field of the schemas, in their order', () => {
    expect(MESSAGE_FIELDS).toEqual(Object.keys(Message.shape));
    expect(RESPONSE_FIELDS).toEqual(Object.keys(TrafficResponse.shape));
  });

  it('is exactly what JSON.stringify writes for a request', () => {
    const message = fc.record({ role: text, content: text, name: text }, { requiredKeys: ['role', 'content'] });
    const params = fc.dictionary(text, fc.jsonValue());
    fc.assert(
      fc.property(fc.array(message, { maxLength: 4 }), params, (messages, params) => {
        const request = { messages, params };
        expect(requestJson(request)).toBe(JSON.stringify(request));
      }),
      { numRuns: 500 },
    );
  });

  it('is exactly what JSON.stringify writes for a response, odd numbers included', () => {
    const nullableText = fc.option(text, { nil: null });
    fc.assert(
      fc.property(
        nullableText,
        nullableText,
        number,
        number,
        number,
        number,
        number,
        (model, output, status, latency_ms, input_tokens, output_tokens, cost_usd) => {
          const response = { model, output, status, latency_ms, input_tokens, output_tokens, cost_usd };
          expect(responseJson(response)).toBe(JSON.stringify(response));
        },
      ),
      { numRuns: 500 },
    );
  });
});
