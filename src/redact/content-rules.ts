import { ibanValid, luhnValid, ssnValid } from './checksums.js';
import { keywordIn } from './keyword-scan.js';
import type { TextProfile } from './text-profile.js';

/**
 * The built-in content rules, in the order they run: whole-structure secrets first (private keys,
 * JWTs, URLs with passwords), then vendor tokens, then `name: value` assignments, then PII. The
 * vendor prefixes follow the patterns published by secretlint's recommended preset (v12: AWS,
 * GitHub, GitLab, Slack, npm, OpenAI, Anthropic, Hugging Face, Groq, SendGrid, Shopify, Linear,
 * Notion, Vault, Vercel, Databricks, Docker, Figma, Grafana, 1Password, private keys, basic auth,
 * database URLs) plus what it lacks (Stripe, JWT, Google OAuth, Azure SAS, SSN, cards, IBAN).
 * secretlint itself is not used: it is async and cost ~156 µs a line against ~1 µs for JSON.parse.
 *
 * Every regex is linear-safe: each quantifier is bounded, and no quantified group holds another
 * quantifier that could match the same characters. Left edges are `(?<![A-Za-z0-9])` rather than
 * `\b`, so a key glued to a word by `_` (`token_ghp_…`) is still found.
 */
export interface RedactRule {
  /** The placeholder says what was removed: `[REDACTED:<kind>]`. */
  kind: string;
  /** Must carry the `g` flag. */
  regex: RegExp;
  /** A cheap test on the whole text (and its profile); when it fails the regex is not run. */
  hint?: (text: string, profile: TextProfile) => boolean;
  /**
   * Personal data found by shape (`@`, a long run of digits): runs whenever the profile says so.
   * The other rules also need the text to pass KEYWORDS first.
   */
  pii?: boolean;
  /** A second check on a match (checksums), so order numbers and dates stay readable. */
  accept?: (match: string) => boolean;
  /**
   * For a rule whose match may run on into the next word (an IBAN's groups, then `please`): the
   * length of the longest valid leading part, 0 for none. The rest of the match is kept.
   */
  validPrefix?: (match: string) => number;
  /** The regex's first group is context (`Bearer `, `password: `) and is kept; the rest is replaced. */
  keepPrefix?: boolean;
}

const hasRun = (min: number) => (_text: string, p: TextProfile) => p.run >= min;
const has = (literal: string) => (text: string) => text.includes(literal);
const hasAny = (re: RegExp) => (text: string) => re.test(text);
const digitCount = (s: string) => s.replace(/\D/g, '').length;

/** The longest leading part of a match that is a valid IBAN (ending on a whole group or the match). */
function ibanPrefix(match: string): number {
  for (let end = match.length; end >= 15; end--) {
    if (end < match.length && match[end] !== ' ') continue;
    if (ibanValid(match.slice(0, end))) return end;
  }
  return 0;
}

/** Names whose value is a credential when written `name: value` / `name=value` in free text. */
const CREDENTIAL_WORD =
  '(?:api[_ .-]?key|apikey|x-api-key|secret(?:[_-]?key)?|client[_-]?secret|access[_-]?token|auth[_-]?token|refresh[_-]?token|id[_-]?token|session[_-]?(?:id|token)|token|passw(?:or)?d|passphrase|pass|pwd|private[_-]?key|access[_-]?key|credentials?|cookie|ssn|social[_ ]security(?:[_ ]number)?)';
/** Optional JSON-ish quoting around a name or value, escaped or not: `"`, `\"`, `'`. */
const Q = `(?:\\\\{0,2}["'])?`;

const SEP = '[\\s.-]';

export const BUILT_IN_RULES: readonly RedactRule[] = [
  {
    kind: 'private_key',
    regex:
      /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY[A-Z ]{0,10}-----(?:[A-Za-z0-9+/=\s\\:,.()-]{0,16000}?-----END[A-Z0-9 ]{0,40}PRIVATE KEY[A-Z ]{0,10}-----|[A-Za-z0-9+/=\s\\:,.()-]{0,16000})/g,
    hint: has('PRIVATE KEY'),
  },
  // Authorization values: the scheme stays, the credential goes. Before JWT so `Bearer eyJ…` says bearer.
  { kind: 'bearer_token', regex: /(\bbearer\s{1,4})[A-Za-z0-9\-._~+/]{6,4096}={0,2}/gi, hint: hasAny(/bearer/i), keepPrefix: true },
  { kind: 'basic_auth', regex: /(\bbasic\s{1,4})[A-Za-z0-9+/]{6,4096}={0,2}/gi, hint: hasAny(/basic/i), keepPrefix: true },
  {
    // `Authorization: Token abc`, `Proxy-Authorization: xyz`: any other scheme, or none.
    kind: 'authorization',
    regex: new RegExp(
      `((?:proxy-)?authorization${Q}\\s{0,4}[:=]\\s{0,4}${Q})(?!\\[REDACTED:|bearer\\s|basic\\s)(?:[A-Za-z]{1,20}\\s{1,4})?[^\\s"'\\\\,;]{1,4096}`,
      'gi',
    ),
    hint: hasAny(/authorization/i),
    keepPrefix: true,
  },
  { kind: 'jwt', regex: /(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{6,4096}\.[A-Za-z0-9_-]{6,8192}\.[A-Za-z0-9_-]{0,4096}/g, hint: has('eyJ') },
  // scheme://user:password@host — any host, dotted or not (`postgres://app:pw@db/x`).
  {
    kind: 'url_password',
    regex: /([A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^\s:/@"'<>]{0,256}:)[^\s/@"'<>]{1,256}(?=@)/g,
    hint: has('://'),
    keepPrefix: true,
  },
  // Credentials in a query string: Azure SAS `sig=`, signed URLs, `?access_token=`.
  {
    kind: 'url_credential',
    regex:
      /([?&;](?:sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|access_token|id_token|refresh_token|token|api[_-]?key|apikey|key|code|client_secret|password|secret|auth)=)[^&\s#"'<>]{1,4096}/gi,
    hint: hasAny(/[?&;][a-z_-]{1,25}=/i),
    keepPrefix: true,
  },
  {
    kind: 'azure_key',
    regex: /((?:AccountKey|SharedAccessKey|SharedAccessSignature)=)[^;\s"']{8,4096}/gi,
    hint: hasAny(/AccountKey|SharedAccess/i),
    keepPrefix: true,
  },
  // Anthropic before OpenAI: `sk-ant-` would otherwise match the generic `sk-` rule.
  { kind: 'anthropic_key', regex: /(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]{16,256}/g, hint: has('sk-ant-') },
  { kind: 'openai_key', regex: /(?<![A-Za-z0-9])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,256}/g, hint: has('sk-') },
  {
    kind: 'stripe_key',
    regex: /(?<![A-Za-z0-9])(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,256}|(?<![A-Za-z0-9])whsec_[A-Za-z0-9]{16,256}/g,
    hint: hasAny(/k_live_|k_test_|whsec_/),
  },
  {
    kind: 'aws_key',
    regex: /(?<![A-Z0-9])(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g,
    hint: hasAny(/A3T|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA|ABIA|ACCA/),
  },
  {
    kind: 'aws_secret',
    regex: /(aws_?secret_?(?:access_?)?key["']?\s{0,4}[:=]\s{0,4}["']?)[A-Za-z0-9/+=]{40}/gi,
    hint: hasAny(/aws_?secret/i),
    keepPrefix: true,
  },
  {
    kind: 'github_token',
    regex: /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{40,255})/g,
    hint: hasAny(/gh[pousr]_|github_pat_/),
  },
  {
    kind: 'gitlab_token',
    regex: /(?<![A-Za-z0-9])gl(?:pat|dt|rt|ptt|cbt|oas|imt|ft|soat|ffct)-[A-Za-z0-9_-]{20,128}/g,
    hint: hasAny(/gl[a-z]{1,4}-/),
  },
  {
    kind: 'slack_token',
    regex: /(?<![A-Za-z0-9])(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,256}|hooks\.slack\.com\/services\/[A-Za-z0-9/]{10,256}/g,
    hint: hasAny(/xox|xapp-|hooks\.slack/),
  },
  { kind: 'google_api_key', regex: /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}/g, hint: has('AIza') },
  {
    kind: 'google_oauth_token',
    regex: /(?<![A-Za-z0-9])(?:ya29\.[0-9A-Za-z_-]{20,4096}|1\/\/0[0-9A-Za-z_-]{30,512})/g,
    hint: hasAny(/ya29\.|1\/\/0/),
  },
  { kind: 'huggingface_token', regex: /(?<![A-Za-z0-9])(?:hf_|api_org_)[A-Za-z0-9]{30,64}/g, hint: hasAny(/hf_|api_org_/) },
  {
    kind: 'npm_token',
    regex: /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}|(_authToken\s{0,2}=\s{0,2})[^\s"']{1,512}/g,
    hint: hasAny(/npm_|_authToken/),
  },
  {
    // The rest of secretlint's vendor list, one pass: Groq, SendGrid, Shopify, Linear, Notion,
    // Vault, Vercel, Databricks, Docker, Figma, Grafana, 1Password, Mailgun, Telegram bots.
    kind: 'api_token',
    regex:
      /(?<![A-Za-z0-9])(?:gsk_[A-Za-z0-9]{40,64}|SG\.[A-Za-z0-9_-]{16,64}\.[A-Za-z0-9_-]{16,64}|shp(?:at|ca|pa|ss)_[A-Fa-f0-9]{32,64}|lin_api_[A-Za-z0-9]{32,128}|ntn_[0-9]{11}[A-Za-z0-9]{35}|hv[sbr]\.[A-Za-z0-9_-]{90,300}|v(?:cp|ci|ca|cr|ck)_[A-Za-z0-9]{20,60}|dapi[a-f0-9]{32}|dckr_pat_[A-Za-z0-9_-]{20,64}|figd_[A-Za-z0-9_-]{40,200}|gl(?:c|sa)_[A-Za-z0-9+/_]{32,400}|ops_ey[A-Za-z0-9+/=]{100,1280}|key-[0-9a-f]{32}|[0-9]{8,10}:AA[A-Za-z0-9_-]{33})/g,
    hint: hasAny(/gsk_|SG\.|shp[a-z]{2}_|lin_api_|ntn_|hv[sbr]\.|v[a-z]{2}_|dapi|dckr_|figd_|gl(?:c|sa)_|ops_|key-|:AA/),
  },
  // `api_key = …`, `"password": "…"`, `token: …`, `\"secret\": \"…\"`: the value after a credential
  // name. Quoted values are taken whole (spaces and all) and their quotes kept; bare ones run to the
  // next separator.
  {
    kind: 'secret',
    regex: new RegExp(`(${CREDENTIAL_WORD}${Q}\\s{0,4}[:=]\\s{0,4}\\\\{0,2}")(?!\\[REDACTED:)[^"\\n\\\\]{1,512}`, 'gi'),
    hint: hasAny(/key|secret|token|pass|pwd|cookie|credential|ssn|social/i),
    keepPrefix: true,
  },
  {
    kind: 'secret',
    regex: new RegExp(`(${CREDENTIAL_WORD}${Q}\\s{0,4}[:=]\\s{0,4}\\\\{0,2}')(?!\\[REDACTED:)[^'\\n\\\\]{1,512}`, 'gi'),
    hint: hasAny(/key|secret|token|pass|pwd|cookie|credential|ssn|social/i),
    keepPrefix: true,
  },
  {
    kind: 'secret',
    regex: new RegExp(`(${CREDENTIAL_WORD}${Q}\\s{0,4}[:=]\\s{0,4})(?!\\[REDACTED:)[^\\s"'\\\\,;}]{1,512}`, 'gi'),
    hint: hasAny(/key|secret|token|pass|pwd|cookie|credential|ssn|social/i),
    keepPrefix: true,
  },
  {
    // Passphrases may hold spaces: an unquoted one runs to the end of its line.
    kind: 'secret',
    regex: /(passphrase["']?\s{0,4}[:=]\s{0,4})(?!["'\\]|\[REDACTED:)[^\n]{1,512}/gi,
    hint: hasAny(/passphrase/i),
    keepPrefix: true,
  },
  {
    // ASCII and internationalised addresses (`jörg@bücher.de`, `用户@例子.广告`).
    kind: 'email',
    regex: /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,8}\.[\p{L}][\p{L}\p{N}-]{1,62}/gu,
    hint: (_t, p) => p.at,
    pii: true,
  },
  {
    // `jane [at] example [dot] com`, `jane(at)example(dot)com`.
    kind: 'email',
    regex:
      /[\p{L}\p{N}._%+-]{1,64}\s{0,2}[[({]\s{0,2}at\s{0,2}[\])}]\s{0,2}[\p{L}\p{N}-]{1,63}(?:\s{0,2}(?:[[({]\s{0,2}dot\s{0,2}[\])}]|\.)\s{0,2}[\p{L}\p{N}-]{1,63}){1,6}/giu,
    hint: hasAny(/[[({]\s{0,2}at\s{0,2}[\])}]/i),
  },
  {
    kind: 'iban',
    regex: /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])/g,
    hint: (_t, p) => p.digits >= 10,
    validPrefix: ibanPrefix,
    pii: true,
  },
  { kind: 'ssn', regex: /(?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d-])/g, hint: hasRun(9), accept: ssnValid, pii: true },
  { kind: 'card', regex: /(?<!\d)\d(?:[ .-]{0,2}\d){11,18}(?!\d)/g, hint: hasRun(12), accept: luhnValid, pii: true },
  {
    // International (+cc …) or grouped national numbers (555-123-4567, (030) 1234 5678); 9–15 digits.
    // Ungrouped digit runs are left alone here: they are more often ids (numbers are checked apart).
    // A `+` or a bracketed area code marks a number even right after other digits (`spanId 0003
    // +44 20 …`, `…-20241022 (415) 555-0675`); bare groups need no digit group just before them, so
    // the tail of a longer grouped number (a card that fails Luhn) is not taken for a phone.
    kind: 'phone',
    regex: new RegExp(
      `(?:(?<![\\d+])\\+\\d{1,3}${SEP}?(?:\\(\\d{1,4}\\)${SEP}?)?\\d{1,4}(?:${SEP}?\\d{2,4}){1,4}|(?<![\\d(])\\(\\d{2,5}\\)${SEP}?\\d{3,4}${SEP}\\d{3,5}|(?<!\\d${SEP}?)\\d{3,5}${SEP}\\d{3,4}${SEP}\\d{3,5})(?!${SEP}?\\d)`,
      'g',
    ),
    hint: hasRun(9),
    pii: true,
    accept: (m) => {
      const n = digitCount(m);
      return n >= 9 && n <= 15;
    },
  },
];

/**
 * A text with no long token can only hold a secret as an assignment (`pwd: x`, `key=y`), an
 * Authorization value or an obfuscated e-mail: the keyword must sit just before a `:`, `=` or
 * bracket. Only those windows are scanned, so prose with a colon costs a few short scans.
 */
export function keywordNearPunctuation(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 58 && c !== 61 && c !== 91 && c !== 40 && c !== 123) continue;
    if (keywordIn(text, Math.max(0, i - 40), Math.min(text.length, i + 12))) return true;
  }
  return false;
}
