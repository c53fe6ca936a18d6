import fc from 'fast-check';

/**
 * A generated corpus of secrets and personal data, each with the part that must never reappear
 * (`needle`) and the text that carries it (`text`). Kinds cover every miss listed in issue #13 and
 * the vendor tokens of secretlint's recommended preset; obfuscated forms (a zero-width character
 * or a Unicode tag inside, percent-encoding, full-width letters, `_`-glued) are applied on top.
 * Values are made up: random bodies, valid checksums where the kind has one.
 */
export interface SecretSample {
  kind: string;
  /** The text placed in a field. */
  text: string;
  /** The secret part itself: must not appear anywhere after redaction. */
  needle: string;
  /** A field name to place it under when the kind is carried by its name, not its content. */
  name?: string;
  /** The kind is a number: placed as a JSON number where the field allows. */
  number?: number;
  /**
   * Found only as a whole value (under its name, or a bare number): inside prose, an ungrouped run
   * of digits or a random word is not told from an id, and is left alone by design.
   */
  wholeOnly?: boolean;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_DIGIT = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';
const B64URL = `${ALNUM}_-`;

const chars = (alphabet: string, min: number, max = min) =>
  fc.array(fc.constantFrom(...alphabet.split('')), { minLength: min, maxLength: max }).map((a) => a.join(''));

/** A body that reads as random (never a real word, so it cannot collide with the filler text). */
const body = (alphabet: string, min: number, max = min) => chars(alphabet, min, max).map((s) => `Q7${s.slice(2)}`);

const luhnComplete = (prefix: string): string => {
  for (let d = 0; d < 10; d++) {
    const s = prefix + d;
    let sum = 0;
    for (let i = 0; i < s.length; i++) {
      let x = s.charCodeAt(s.length - 1 - i) - 48;
      if (i % 2 === 1) {
        x *= 2;
        if (x > 9) x -= 9;
      }
      sum += x;
    }
    if (sum % 10 === 0) return s;
  }
  throw new Error('unreachable');
};

const ibanFor = (country: string, bban: string): string => {
  const moved = `${bban}${country}00`;
  let rem = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    const v = code >= 65 ? code - 55 : code - 48;
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return `${country}${String(98 - rem).padStart(2, '0')}${bban}`;
};

const same = (kind: string, a: fc.Arbitrary<string>, wrap: (s: string) => string = (s) => s) =>
  a.map((needle): SecretSample => ({ kind, needle, text: wrap(needle) }));

const pemBody = chars(`${ALNUM}+/`, 64, 128).map((s) => `MII${s}`);

/** Every kind, one arbitrary each. */
export const SECRET_KINDS: ReadonlyArray<readonly [string, fc.Arbitrary<SecretSample>]> = [
  [
    'openai_key',
    same(
      'openai_key',
      body(ALNUM, 40).map((b) => `sk-proj-${b}`),
    ),
  ],
  [
    'openai_legacy',
    same(
      'openai_legacy',
      body(ALNUM, 48).map((b) => `sk-${b}`),
    ),
  ],
  [
    'anthropic_key',
    same(
      'anthropic_key',
      body(B64URL, 60).map((b) => `sk-ant-api03-${b}`),
    ),
  ],
  [
    'stripe_live',
    same(
      'stripe_live',
      body(ALNUM, 24).map((b) => `sk_live_${b}`),
    ),
  ],
  [
    'stripe_restricted',
    same(
      'stripe_restricted',
      body(ALNUM, 24).map((b) => `rk_live_${b}`),
    ),
  ],
  [
    'aws_access_key',
    same(
      'aws_access_key',
      chars(UPPER_DIGIT, 16).map((b) => `AKIA${b}`),
    ),
  ],
  ['aws_secret', same('aws_secret', body(`${ALNUM}/+`, 40), (s) => `aws_secret_access_key = ${s}`)],
  [
    'github_pat',
    same(
      'github_pat',
      body(ALNUM, 36).map((b) => `ghp_${b}`),
    ),
  ],
  [
    'github_fine',
    same(
      'github_fine',
      body(`${ALNUM}_`, 82).map((b) => `github_pat_${b}`),
    ),
  ],
  [
    'gitlab_pat',
    same(
      'gitlab_pat',
      body(B64URL, 20).map((b) => `glpat-${b}`),
    ),
  ],
  [
    'slack_bot',
    same(
      'slack_bot',
      body(ALNUM, 24).map((b) => `xoxb-123456789012-${b}`),
    ),
  ],
  [
    'slack_app',
    same(
      'slack_app',
      body(ALNUM, 30).map((b) => `xapp-1-A0${b}`),
    ),
  ],
  [
    'google_api_key',
    same(
      'google_api_key',
      body(B64URL, 35).map((b) => `AIza${b}`),
    ),
  ],
  [
    'google_oauth',
    same(
      'google_oauth',
      body(B64URL, 60).map((b) => `ya29.${b}`),
    ),
  ],
  [
    'huggingface',
    same(
      'huggingface',
      body(ALNUM, 34).map((b) => `hf_${b}`),
    ),
  ],
  [
    'npm_token',
    same(
      'npm_token',
      body(ALNUM, 36).map((b) => `npm_${b}`),
    ),
  ],
  [
    'groq',
    same(
      'groq',
      body(ALNUM, 52).map((b) => `gsk_${b}`),
    ),
  ],
  [
    'sendgrid',
    same(
      'sendgrid',
      fc.tuple(body(B64URL, 22), body(B64URL, 43)).map(([a, b]) => `SG.${a}.${b}`),
    ),
  ],
  [
    'databricks',
    same(
      'databricks',
      chars(HEX, 32).map((b) => `dapi${b}`),
    ),
  ],
  [
    'vault',
    same(
      'vault',
      body(B64URL, 95).map((b) => `hvs.${b}`),
    ),
  ],
  [
    'jwt',
    same(
      'jwt',
      fc.tuple(body(B64URL, 30), body(B64URL, 43)).map(([p, s]) => `eyJhbGciOiJIUzI1NiJ9.eyJ${p}.${s}`),
    ),
  ],
  [
    'pem_rsa',
    pemBody.map((b) => ({ kind: 'pem_rsa', needle: b, text: `-----BEGIN RSA PRIVATE KEY-----\n${b}\n-----END RSA PRIVATE KEY-----` })),
  ],
  [
    'openssh',
    body(`${ALNUM}+/`, 80).map((b) => ({
      kind: 'openssh',
      needle: b,
      text: `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE${b}\n-----END OPENSSH PRIVATE KEY-----`,
    })),
  ],
  ['azure_sas', same('azure_sas', body(ALNUM, 43), (s) => `https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig=${s}%3D`)],
  ['basic_auth', same('basic_auth', body(ALNUM, 24), (s) => `Authorization: Basic ${s}==`)],
  ['bearer', same('bearer', body(B64URL, 32), (s) => `Bearer ${s}`)],
  ['db_url_no_dot', same('db_url_no_dot', body(ALNUM, 12), (s) => `postgres://app:${s}@db:5432/prod`)],
  ['db_url', same('db_url', body(ALNUM, 14), (s) => `mongodb+srv://admin:${s}@cluster0.example.net/x`)],
  ['short_password', same('short_password', body(ALNUM, 7), (s) => `password: ${s}`)],
  [
    'passphrase_spaces',
    same(
      'passphrase_spaces',
      body(ALNUM, 8).map((b) => `${b} horse battery`),
      (s) => `passphrase: "${s}"`,
    ),
  ],
  ['password_quoted', same('password_quoted', body(ALNUM, 10), (s) => `{"password": "${s}"}`)],
  [
    'tool_args',
    same('tool_args', body(ALNUM, 9), (s) => JSON.stringify({ name: 'login', arguments: JSON.stringify({ user: 'bob', password: s }) })),
  ],
  ['api_key_name', body(ALNUM, 20).map((b) => ({ kind: 'api_key_name', needle: b, text: b, name: 'X-Api-Key', wholeOnly: true }))],
  ['cookie_name', body(ALNUM, 20).map((b) => ({ kind: 'cookie_name', needle: b, text: `sid=${b}`, name: 'Cookie', wholeOnly: true }))],
  [
    'glued_key',
    same(
      'glued_key',
      body(ALNUM, 36).map((b) => `ghp_${b}`),
      (s) => `token_${s}`,
    ),
  ],
  [
    'zero_width_key',
    body(ALNUM, 40).map((b) => ({ kind: 'zero_width_key', needle: b.slice(10), text: `sk-proj-${b.slice(0, 10)}\u200b${b.slice(10)}` })),
  ],
  [
    'tag_char_key',
    body(ALNUM, 36).map((b) => ({ kind: 'tag_char_key', needle: b.slice(5), text: `ghp_${b.slice(0, 5)}\u{e0041}${b.slice(5)}` })),
  ],
  ['percent_key', body(ALNUM, 40).map((b) => ({ kind: 'percent_key', needle: b, text: `sk%2Dproj%2D${b}` }))],
  [
    'email',
    same(
      'email',
      chars('abcdefghij', 6).map((u) => `${u}.q7@example.com`),
    ),
  ],
  [
    'email_idn',
    same(
      'email_idn',
      chars('abcdefghij', 5).map((u) => `jörg.${u}@bücher.de`),
    ),
  ],
  [
    'phone_intl',
    same(
      'phone_intl',
      chars('0123456789', 7).map((d) => `+44 20 ${d.slice(0, 4)} ${d.slice(4)}${d[0]}`),
    ),
  ],
  [
    'phone_us',
    same(
      'phone_us',
      chars('0123456789', 4).map((d) => `(415) 555-${d}`),
    ),
  ],
  [
    'ssn',
    same(
      'ssn',
      chars('0123456789', 4).map((d) => `123-45-${d === '0000' ? '1234' : d}`),
    ),
  ],
  [
    'card',
    same(
      'card',
      chars('0123456789', 14).map((d) => luhnComplete(`4${d}`)),
    ),
  ],
  [
    'card_dots',
    chars('0123456789', 14).map((d) => {
      const c = luhnComplete(`5${d}`);
      const text = `${c.slice(0, 4)}.${c.slice(4, 8)}.${c.slice(8, 12)}.${c.slice(12)}`;
      return { kind: 'card_dots', needle: text, text };
    }),
  ],
  [
    'card_number',
    chars('0123456789', 13).map((d) => {
      const c = luhnComplete(`41${d}`);
      return { kind: 'card_number', needle: c, text: c, number: Number(c), wholeOnly: true };
    }),
  ],
  [
    'phone_number',
    chars('0123456789', 7).map((d) => {
      const p = `415${d}`;
      return { kind: 'phone_number', needle: p, text: p, number: Number(p), wholeOnly: true };
    }),
  ],
  [
    'iban',
    same(
      'iban',
      chars('0123456789', 18).map((d) => ibanFor('DE', d)),
    ),
  ],
  [
    'iban_lower',
    same(
      'iban_lower',
      chars('0123456789', 18).map((d) => ibanFor('DE', d).toLowerCase()),
    ),
  ],
  ['fullwidth_key', body(ALNUM, 36).map((b) => ({ kind: 'fullwidth_key', needle: b, text: `ｇｈｐ_${b}` }))],
];

export const anySecret: fc.Arbitrary<SecretSample> = fc.oneof(...SECRET_KINDS.map(([, a]) => a));

/** Filler text around a secret: words and punctuation that hold nothing to redact. */
export const filler = fc
  .array(fc.constantFrom('please', 'check', 'the', 'order', 'thanks', 'hello', ',', '.', 'status', 'now'), { maxLength: 6 })
  .map((w) => w.join(' '));

/** The strings of `haystack` a secret leaked into (case-insensitive, invisible characters ignored). */
export function leaks(haystack: string, samples: readonly SecretSample[]): string[] {
  const hay = haystack.toLowerCase();
  return samples.filter((s) => hay.includes(s.needle.toLowerCase())).map((s) => `${s.kind}: ${s.needle}`);
}
