import { ibanValid, luhnValid } from './checksums.js';

/**
 * The built-in redaction rules, in the order they run. Secrets come first so that a key which
 * happens to contain digits is replaced whole rather than half-matched as a phone number.
 */
export interface RedactRule {
  /** The placeholder says what was removed: `[REDACTED:<kind>]`. */
  kind: string;
  /** Must carry the `g` flag. */
  regex: RegExp;
  /** A cheap test on the whole text (and its count of ASCII digits); when it fails the regex is not run at all. */
  hint?: (text: string, digits: number) => boolean;
  /** A second check on a match (checksums), so order numbers and dates stay readable. */
  accept?: (match: string) => boolean;
}

/** ASCII digits in `text`: counted once per text for every rule that needs a minimum. */
export function countDigits(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

const hasDigits = (min: number) => (_text: string, digits: number) => digits >= min;

const digitCount = (s: string) => s.replace(/\D/g, '').length;

export const BUILT_IN_RULES: readonly RedactRule[] = [
  // Authorization headers and the like: the scheme stays, the credential goes.
  { kind: 'bearer_token', regex: /(?<=\bBearer\s{1,4})[A-Za-z0-9\-._~+/]{8,}=*/gi, hint: (t) => /bearer/i.test(t) },
  // Anthropic before OpenAI: `sk-ant-` would otherwise match the generic `sk-` rule.
  { kind: 'anthropic_key', regex: /\bsk-ant-[A-Za-z0-9_-]{16,}/g, hint: (t) => t.includes('sk-ant-') },
  { kind: 'openai_key', regex: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}/g, hint: (t) => t.includes('sk-') },
  { kind: 'aws_key', regex: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, hint: (t) => /AKIA|ASIA|ABIA|ACCA/.test(t) },
  {
    kind: 'aws_secret',
    regex: /(?<=aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+]{40}/gi,
    hint: (t) => /aws_?secret/i.test(t),
  },
  { kind: 'github_token', regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})/g, hint: (t) => t.includes('gh') },
  { kind: 'slack_token', regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, hint: (t) => t.includes('xox') },
  { kind: 'google_api_key', regex: /\bAIza[0-9A-Za-z_-]{35}/g, hint: (t) => t.includes('AIza') },
  // `api_key = …`, `"password": "…"`, `token: …` — the value after a key-ish name.
  {
    kind: 'secret',
    regex: /(?<=\b(?:api[_-]?key|apikey|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|token|password|passwd|pwd)["']?\s*[:=]\s*["']?)(?!\[REDACTED:)[^\s"',;]{8,}/gi,
    hint: (t) => /key|secret|token|pass|pwd/i.test(t),
  },
  {
    kind: 'email',
    regex: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
    hint: (t) => t.includes('@'),
  },
  {
    kind: 'iban',
    regex: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g,
    hint: hasDigits(10),
    accept: ibanValid,
  },
  {
    kind: 'card',
    regex: /\b\d(?:[ -]?\d){11,18}\b/g,
    hint: hasDigits(12),
    accept: luhnValid,
  },
  // International (+cc …) or grouped national numbers (555-123-4567, (030) 1234 5678); 9–15
  // digits. Ungrouped digit runs are left alone: they are more often ids than phone numbers.
  {
    kind: 'phone',
    // Not part of a longer digit group: `4111 1111 1111 1112` is a failed card, not a phone.
    regex: /(?<!\d[\s.-]?)(?:\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){1,4}|(?:\(\d{2,5}\)[\s.-]?|\b\d{3,5}[\s.-])\d{3,4}[\s.-]\d{3,5})\b(?![\s.-]?\d)/g,
    hint: hasDigits(9),
    accept: (m) => {
      const n = digitCount(m);
      return n >= 9 && n <= 15;
    },
  },
];
