import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRedactor, redactText, replaceChecked } from '../../../src/redact/redact-text.js';
import { BUILT_IN_RULES } from '../../../src/redact/content-rules.js';
import { profileText } from '../../../src/redact/text-profile.js';
import { KEYWORDS, keywordIn } from '../../../src/redact/keyword-scan.js';
import { anySecret } from '../../helpers/secret-corpus.js';
import { ibanValid, luhnValid } from '../../../src/redact/checksums.js';

describe('redactText', () => {
  it.each([
    ['openai_key', 'my key is sk-proj-abcDEF1234567890abcdEF12 ok'],
    ['openai_key', 'key=sk-abcdefghijklmnopqrstuvwx'],
    ['anthropic_key', 'use sk-ant-api03-AbCdEf0123456789-xyzXYZ please'],
    ['aws_key', 'AKIAIOSFODNN7EXAMPLE is the id'],
    ['bearer_token', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig'],
    ['email', 'write to jane.doe+orders@example.co.uk today'],
    ['phone', 'call me at +44 20 7946 0958'],
    ['phone', 'or (555) 123-4567 after six'],
    ['card', 'card 4111 1111 1111 1111 exp 12/29'],
    ['iban', 'IBAN DE89 3704 0044 0532 0130 00 please'],
    ['secret', 'password: hunter2hunter2'],
  ])('replaces a %s with a typed placeholder', (kind, text) => {
    const r = redactText(text);
    expect(r.text).toContain(`[REDACTED:${kind}]`);
    expect(r.kinds).toContain(kind);
    expect(r.count).toBeGreaterThan(0);
  });

  it('removes the secret itself, not just marks it', () => {
    const r = redactText('sk-ant-api03-AbCdEf0123456789-xyz and jane@example.com');
    expect(r.text).not.toMatch(/AbCdEf0123456789|jane@example\.com/);
    expect(r.text).toBe('[REDACTED:anthropic_key] and [REDACTED:email]');
  });

  it('leaves numbers that fail their checksum, dates, times and order numbers alone', () => {
    for (const text of [
      'card 4111 1111 1111 1112',
      'IBAN DE00 3704 0044 0532 0130 00',
      'on 2026-11-20 at 09:01:12',
      'order #5512 shipped',
      'for (i = 0; i <= n; i++)',
      'max_tokens: 200, temperature: 0.7',
    ]) {
      expect(redactText(text)).toEqual({ text, count: 0, kinds: [], byKind: {} });
    }
  });

  it('applies user patterns with their own placeholder', () => {
    const redact = createRedactor(['ACME-\\d{6}', { name: 'ticket', pattern: 'T-\\d{4}' }]);
    expect(redact('account ACME-123456, ticket T-0042').text).toBe('account [REDACTED:custom], ticket [REDACTED:ticket]');
  });

  it('refuses an invalid user pattern, naming it', () => {
    expect(() => createRedactor(['(unclosed'])).toThrow(/\(unclosed/);
  });

  it('never leaves a generated secret behind in arbitrary surrounding text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.stringMatching(/^[A-Za-z0-9]{24}$/), (before, after, body) => {
        const out = redactText(`${before} sk-proj-${body} ${after}`).text;
        return !out.includes(body);
      }),
    );
  });
});

describe('checked rules', () => {
  it('find a valid card, IBAN or phone number inside a longer candidate that fails its check', () => {
    expect(redactText('chatcmpl-9 5693.7167.1189.6037').text).toBe('chatcmpl-9 [REDACTED:card]');
    expect(redactText('trace-a1 4111111111111111').text).toBe('trace-a1 [REDACTED:card]');
    expect(redactText('aa02 DE89370400440532013000').text).toBe('aa02 [REDACTED:iban]');
    expect(redactText('spanId 0003 +44 20 7946 0958').text).toBe('spanId 0003 [REDACTED:phone]');
    expect(redactText('claude-3-5-haiku-20241022 (415) 555-0675').text).toBe('claude-3-5-haiku-20241022 [REDACTED:phone]');
  });

  // The retry after a rejected candidate must not make hostile input quadratic: each start position
  // is checked at most once, whatever the text (a step bound, not a clock).
  it.each(['card', 'iban', 'phone', 'ssn'])('%s: at most one check per character of hostile input', (kind) => {
    const rule = BUILT_IN_RULES.find((r) => r.kind === kind) as (typeof BUILT_IN_RULES)[number];
    const counted = (n: number, unit: string) => {
      let checks = 0;
      const text = unit.repeat(n);
      const probe = {
        ...rule,
        regex: new RegExp(rule.regex.source, rule.regex.flags),
        accept: rule.accept && ((_m: string) => (checks++, false)),
        validPrefix: rule.validPrefix && ((_m: string) => (checks++, 0)),
      };
      replaceChecked(text, probe, () => undefined);
      return { checks, length: text.length };
    };
    for (const unit of ['1 ', '12 ', '1-2.', 'DE12 ', '+12 345 678 ', '555-123-4567 ', '123-45-', '(123) 456 ']) {
      const { checks, length } = counted(2000, unit);
      expect(checks).toBeLessThanOrEqual(length);
    }
  });
});

describe('the gate in front of the rules', () => {
  const redact = createRedactor();
  const unchanged = redact.unchanged as (text: string) => boolean;

  it('never passes a text the rules would change', () => {
    const pieces = fc.constantFrom(
      ...['key', 'sk-', 'a3t', '://', '?x=', '@', '%41', '\u200b', 'é', ':', '=', '(', '4111', ' ', '-', 'x', '7'],
      ...['glpat-', 'vcp_', '(at)', ')', 'Bearer ', 'eyJ', '.', '_', 'abcdefghij', 'AKIA', 'Basic '],
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(pieces, { maxLength: 30 }).map((a) => a.join('')),
        ),
        (text) => {
          if (unchanged(text)) expect(redact(text).text).toBe(text);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('passes timestamps, roles, ids, model names and plain prose, and stops every corpus secret found by content', () => {
    for (const text of [
      '2026-11-01T00:00:00.000Z',
      'assistant',
      'You are a helpful assistant for a bike shop.',
      'chatcmpl-42',
      'chat.completion',
      'gpt-4o-mini-2024-07-18',
      'Question 7 about chat: how long does delivery to postcode 10007 take?',
    ]) {
      expect(unchanged(text)).toBe(true);
    }
    // Whole-only kinds (a random word under a credential name, a bare number) are found by the
    // value redactor by name or by number, not by the text rules the gate stands in front of.
    fc.assert(
      fc.property(
        anySecret.filter((s) => !s.wholeOnly),
        (s) => {
          expect(unchanged(s.text)).toBe(false);
        },
      ),
    );
  });

  it('is off when there are user patterns', () => {
    expect(createRedactor(['T-\\d+']).unchanged?.('T-1')).toBe(false);
  });
});

describe('the keyword scan', () => {
  // The scan is what runs; KEYWORDS is its specification. Pieces of keywords, their class parts
  // (`gl…-`, `v.._`, `?x=`, `(at)` with any \s) and their neighbours, joined at random.
  const pieces = fc.constantFrom(
    ...['sk', '-', '_', 'k', 'gl', 'ab', 'v', 'x', '?', '&', ';', '=', 'a', 't', 'AT', ' ', '\u00a0', '\u2028', '\t'],
    ...['(', ')', '[', ']', '{', '}', 'g', 'L', 'h', 'vS', '.', ':', '/', '1', '0', 'ya2', '9', 'e', 'y', 'J', 'PRIVATE'],
    ...['KE', 'key', 'au', 'thori', 'ss', 'n', 'é', 'A3', 'T', 'AK', 'IA', 'pass', 'xo', 'Z', 'ſ', 'K'],
  );
  it('finds a keyword exactly where KEYWORDS does, in the whole text and in a window', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(pieces, { maxLength: 40 }).map((a) => a.join('')),
          fc.array(fc.constantFrom(...'gl-av_?&;=akt()[]{} _xyzAB'), { maxLength: 40 }).map((a) => a.join('')),
        ),
        fc.nat(),
        fc.nat(),
        (text, a, b) => {
          expect(keywordIn(text)).toBe(KEYWORDS.test(text));
          const from = a % (text.length + 1);
          const to = from + (b % (text.length - from + 1));
          expect(keywordIn(text, from, to)).toBe(KEYWORDS.test(text.slice(from, to)));
          expect(profileText(text).keyword).toBe(KEYWORDS.test(text));
        },
      ),
      { numRuns: 20000 },
    );
  });

  it('reads each character a bounded number of times, whatever the text', () => {
    // The look-backs go at most 26 characters back from their trigger: hostile runs stay linear.
    for (const unit of ['a=', '?a', 'gl-', 'vab_', '( at )', `?${'a'.repeat(30)}=`, 'glab-_=)']) {
      const text = unit.repeat(2000);
      let reads = 0;
      const counting = { length: text.length, charCodeAt: (i: number) => (reads++, text.charCodeAt(i)) } as unknown as string;
      keywordIn(counting);
      expect(reads).toBeLessThanOrEqual(30 * text.length);
    }
  });
});

describe('checksums', () => {
  it('accepts valid card numbers and IBANs and rejects altered ones', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5500 0000 0000 0004')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(ibanValid('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(ibanValid('GB82 WEST 1234 5698 7654 33')).toBe(false);
  });
});
