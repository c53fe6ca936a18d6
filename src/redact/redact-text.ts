import { compileLinear, type LinearRegex } from '../domain/linear-regex.js';
import { BUILT_IN_RULES, keywordNearPunctuation, type RedactRule } from './content-rules.js';
import { LONG_TOKEN, nothingToFind, profileInto, profileText, type TextProfile } from './text-profile.js';
import { normaliseForMatching } from './normalise-text.js';

/** A user-configured pattern (`--redact-pattern`, `.routelab/redact.yaml`); `name` types the placeholder. */
export type UserPattern = string | { name?: string; pattern: string };

export interface RedactResult {
  text: string;
  /** How many spans were replaced. */
  count: number;
  /** The kinds replaced, once each, in rule order. */
  kinds: string[];
  /** Spans replaced, by kind. */
  byKind: Record<string, number>;
}

export type Redactor = ((text: string) => RedactResult) & {
  /** True when the redactor would return the text unchanged, found by one allocation-free pass; false when unsure. */
  readonly unchanged?: (text: string) => boolean;
};

export const placeholder = (kind: string) => `[REDACTED:${kind}]`;

/**
 * Compile user patterns once, on the linear-time engine (they run over every imported string, so
 * never on RegExp). A pattern that is not a valid regular expression or matches the empty string is
 * returned as an issue naming it, so the CLI can refuse it before anything is read.
 */
export function compileUserPatterns(patterns: readonly UserPattern[]): { rules: UserRule[]; errors: string[] } {
  const rules: UserRule[] = [];
  const errors: string[] = [];
  for (const p of patterns) {
    const source = typeof p === 'string' ? p : p.pattern;
    const kind = typeof p === 'string' ? 'custom' : sanitiseKind(p.name ?? 'custom');
    const compiled = compileLinear(source);
    if (!compiled.ok) {
      errors.push(`redact pattern /${source}/ is not a valid regular expression: ${compiled.error}`);
      continue;
    }
    if (compiled.regex.test('')) {
      errors.push(`redact pattern /${source}/ matches the empty string`);
      continue;
    }
    rules.push({ kind, linear: compiled.regex });
  }
  return { rules, errors };
}

/** A user's redaction pattern, on the linear-time engine. */
export interface UserRule {
  kind: string;
  linear: LinearRegex;
}

function sanitiseKind(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) || 'custom';
}

const BUILT_IN = new Set<RedactRule>(BUILT_IN_RULES);

const NO_KINDS = Object.freeze([]) as unknown as string[];
const NO_COUNTS = Object.freeze({}) as Record<string, number>;
const nothing = (text: string): RedactResult => ({ text, count: 0, kinds: NO_KINDS, byKind: NO_COUNTS });

/**
 * Built-in rules, then the user's: replaces every match with a typed placeholder. Pure.
 * Text that normalising changes (invisible characters, full-width letters, percent-escapes) is
 * matched in its normalised form; when that finds something the normalised, redacted text is what
 * comes back, otherwise the text as it was.
 */
export function createRedactor(patterns: readonly UserPattern[] = []): Redactor {
  const { rules: user, errors } = compileUserPatterns(patterns);
  if (errors.length) throw new Error(errors.join('; '));
  const rules: Array<RedactRule | UserRule> = [...BUILT_IN_RULES, ...user];
  const apply = (input: string, first: TextProfile): RedactResult => {
    // Most strings hold nothing to redact: one pass over the characters (profileText) rules out
    // the rules that cannot match, and usually all of them, before any regex runs.
    let profile = first;
    const keywords = profile.keyword && (profile.token >= LONG_TOKEN || profile.at || (profile.punct && keywordNearPunctuation(input)));
    if (!keywords && user.length === 0 && !profile.at && profile.run < 9) return nothing(input);
    let text = input;
    let count = 0;
    const kinds: string[] = [];
    const byKind: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const rule of rules) {
      let hits = 0;
      if ('linear' in rule) {
        text = rule.linear.replaceAll(text, () => {
          hits++;
          return placeholder(rule.kind);
        });
        if (hits) {
          profile = profileText(text);
          count += hits;
          if (!(rule.kind in byKind)) kinds.push(rule.kind);
          byKind[rule.kind] = (byKind[rule.kind] ?? 0) + hits;
        }
        continue;
      }
      if (!keywords && !rule.pii && BUILT_IN.has(rule)) continue;
      if (rule.hint && !rule.hint(text, profile)) continue;
      rule.regex.lastIndex = 0;
      if (rule.accept || rule.validPrefix) {
        text = replaceChecked(text, rule, () => hits++);
      } else {
        text = text.replace(rule.regex, (_match: string, ...groups: unknown[]) => {
          hits++;
          const prefix = rule.keepPrefix && typeof groups[0] === 'string' ? groups[0] : '';
          return prefix + placeholder(rule.kind);
        });
      }
      if (hits) {
        profile = profileText(text);
        count += hits;
        if (!(rule.kind in byKind)) kinds.push(rule.kind);
        byKind[rule.kind] = (byKind[rule.kind] ?? 0) + hits;
      }
    }
    return { text, count, kinds, byKind: { ...byKind } };
  };
  // The gate's profile of the last text it could not pass: the redactor is usually called next on
  // that same text, and need not profile it again.
  const gateProfile = profileText('');
  let gated: string | undefined;
  const redactor = (input: string): RedactResult => {
    let profile: TextProfile;
    if (input === gated) {
      profile = { ...gateProfile };
      gated = undefined;
    } else profile = profileText(input);
    if (!profile.odd) return apply(input, profile);
    const normal = normaliseForMatching(input);
    if (normal === input) return apply(input, profile);
    const r = apply(normal, profileText(normal));
    return r.count > 0 ? r : nothing(input);
  };
  const unchanged =
    user.length === 0
      ? (text: string) => {
          if (nothingToFind(profileInto(text, gateProfile))) return true;
          gated = text;
          return false;
        }
      : () => false;
  return Object.assign(redactor, { unchanged });
}

/**
 * A checked rule (checksum, digit count, valid IBAN prefix) replaced match by match. A candidate
 * that fails its check may hide a valid one starting inside it: `chatcmpl-9 5693.7167.1189.6037`
 * first matches from the `9`, and Luhn fails on those 17 digits. So a rejected candidate moves the
 * search on by one character, not past its end. The regexes are bounded (a card is at most 19
 * digits with their separators, an IBAN 34 characters), so each start costs at most a bounded
 * match and one check: linear in the text.
 */
export function replaceChecked(text: string, rule: RedactRule, onHit: () => void): string {
  const re = rule.regex;
  re.lastIndex = 0;
  let out = '';
  let last = 0;
  let hit = false;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const match = m[0];
    const end = rule.validPrefix ? rule.validPrefix(match) : !rule.accept || rule.accept(match) ? match.length : 0;
    if (end === 0) {
      re.lastIndex = m.index + 1;
      continue;
    }
    hit = true;
    onHit();
    out += text.slice(last, m.index) + placeholder(rule.kind);
    last = m.index + end;
    re.lastIndex = last;
  }
  return hit ? out + text.slice(last) : text;
}

const cache = new Map<string, Redactor>();

/** Redact one text. Redactors are cached by their pattern list, so calling this in a loop is cheap. */
export function redactText(text: string, patterns: readonly UserPattern[] = []): RedactResult {
  return redactorFor(patterns)(text);
}

/** The cached redactor for a pattern list. */
export function redactorFor(patterns: readonly UserPattern[] = []): Redactor {
  const key = JSON.stringify(patterns);
  let redactor = cache.get(key);
  if (!redactor) {
    redactor = createRedactor(patterns);
    cache.set(key, redactor);
  }
  return redactor;
}

/** The redacted text only: for error messages, reasons, log lines and reports. */
export function redactString(text: string): string {
  return redactorFor([])(text).text;
}

/**
 * Redact text that may hold known secrets verbatim (the key we sent, which a server may echo back)
 * as well as anything the content rules find.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join(placeholder('api_key'));
  }
  return redactString(out);
}
