import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redact/redact-text.js';
import { createValueRedactor } from '../../../src/redact/redact-value.js';
import { anySecret, filler, leaks, SECRET_KINDS } from '../../helpers/secret-corpus.js';

const redact = createRedactor();

describe('the secret corpus', () => {
  it('has at least 40 kinds', () => {
    expect(SECRET_KINDS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(SECRET_KINDS.map(([kind, arb]) => [kind, arb] as const))('%s never survives redaction, in text or in a value', (_kind, arb) => {
    fc.assert(
      fc.property(arb, fc.record({ before: filler, after: filler }), (sample, { before, after }) => {
        const values = createValueRedactor(redact);
        const value: Record<string, unknown> = sample.wholeOnly ? { whole: sample.text } : { note: `${before} ${sample.text} ${after}` };
        if (sample.name) value[sample.name] = sample.text;
        if (sample.number !== undefined) value.n = sample.number;
        if (sample.name) delete value.whole;
        const out = JSON.stringify(values.value(value));
        expect(leaks(out, [sample])).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });

  it('keeps ordinary text, params and timestamps as they are', () => {
    const values = createValueRedactor(redact);
    const params = { temperature: 0.2, max_tokens: 256, seed: 42, stop: ['\n\n'], ts: 1733500000, ts_ms: 1733500000123, user: 'u-17' };
    expect(values.value(structuredClone(params))).toEqual(params);
    expect(values.count).toBe(0);
  });

  it('replaces `value` whole beside a `key` or `name` naming a credential, in either key order', () => {
    const values = createValueRedactor(redact);
    // `key` is a credential name itself, so its own value goes too; the label is read before that.
    const attrs = [
      { key: 'http.request.header.authorization', value: { stringValue: 'Zm9vOmJhcg' } },
      { value: 'Zm9vOmJhcg', key: 'x-api-key' },
      { name: 'X-Api-Key', value: 'Zm9vOmJhcg' },
      { key: 7, name: 'Set-Cookie', value: 'sid=Zm9vOmJhcg' },
      { key: 'color', name: 'token', value: 'blue' },
      { name: 'color', value: 'blue' },
    ];
    const gone = '[REDACTED:credential]';
    expect(values.value(attrs)).toEqual([
      { key: gone, value: gone },
      { value: gone, key: gone },
      { name: 'X-Api-Key', value: gone },
      { key: gone, name: 'Set-Cookie', value: gone },
      { key: gone, name: 'token', value: 'blue' },
      { name: 'color', value: 'blue' },
    ]);
    expect(values.kinds).toEqual({ credential: 8 });
  });

  it('finds a credential name hidden by JSON escapes in a string, and numbers written as strings', () => {
    const values = createValueRedactor(redact);
    expect(values.value({ args: '{"\\u0070in":"4321"}', card: '4111111111111111' })).toEqual({
      args: '{"pin":"[REDACTED:credential]"}',
      card: '[REDACTED:card]',
    });
  });

  it('redacts and counts a repeated string each time it comes back, across resets', () => {
    const values = createValueRedactor(redact);
    const secret = 'my key is sk-proj-abcDEF1234567890abcdEF12 ok';
    const prompt = 'You are a helpful assistant for a bike shop.';
    // Enough lines for the value redactor to make its tables of strings and keys (after 64).
    for (let line = 0; line < 40; line++) {
      values.reset();
      const out = values.value({ system: prompt, a: secret, b: [secret, `${secret}`.slice(0)] }) as Record<string, unknown>;
      expect(out).toEqual({
        system: prompt,
        a: 'my key is [REDACTED:openai_key] ok',
        b: ['my key is [REDACTED:openai_key] ok', 'my key is [REDACTED:openai_key] ok'],
      });
      expect(values.kinds).toEqual({ openai_key: 3 });
      expect(values.count).toBe(3);
    }
  });

  it('redacts a mix of everything at once', () => {
    fc.assert(
      fc.property(
        fc.array(
          anySecret.filter((s) => !s.wholeOnly),
          { minLength: 1, maxLength: 6 },
        ),
        filler,
        (samples, f) => {
          const text = samples.map((s) => `${f} ${s.text}`).join('\n');
          expect(
            leaks(
              redact(text).text,
              samples.filter((s) => !s.wholeOnly),
            ),
          ).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  // Traffic values often end in digits (`chatcmpl-9`, `claude-3-5-haiku-20241022`, `spanId 0003`):
  // a secret appended after one must not be hidden by a longer candidate that fails its checksum.
  const inText = SECRET_KINDS.filter(([, arb]) => !fc.sample(arb, { numRuns: 1, seed: 1 })[0]?.wholeOnly);
  it.each(inText.map(([kind, arb]) => [kind, arb] as const))('%s is found right after digits', (_kind, arb) => {
    const contexts = fc.constantFrom('chatcmpl-9', 'claude-3-5-haiku-20241022', 'trace-a1', 'aa02', '0003', 'order 12', '1763629262.104');
    fc.assert(
      fc.property(arb, contexts, (sample, before) => {
        expect(leaks(redact(`${before} ${sample.text}`).text, [sample])).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });
});
